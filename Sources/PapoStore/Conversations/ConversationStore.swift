public import Foundation
import PapoCore
public import PapoPostgres

/// Conversations and their turn scheduling in PostgreSQL.
///
/// The schedule lives in the rows, not in memory: `pending_turn_at` is the debounce deadline
/// and `locked_by`/`locked_until` the lease of the worker running the turn. That is what lets
/// any number of engine instances share one database, and lets a burst of messages or a
/// crashed turn survive a restart. Every statement filters by tenant, except the claim, which
/// scans the work queue across tenants.
public struct ConversationStore: Sendable {
    /// The NOTIFY channel that wakes turn workers.
    public static let turnsChannel = "papo_turns"
    /// The NOTIFY channel that wakes the outbox sender.
    public static let outboxChannel = "papo_outbox"
    /// Raised by `papo_record_inbound` when a concurrent delivery of the same provider id won.
    static let concurrentDeliveryState = "PP001"

    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// What recording an inbound message did.
    public struct InboundOutcome: Sendable, Equatable {
        /// `false` when the provider id was seen before; nothing was changed then.
        public var isNew: Bool
        /// The stored message, new or earlier.
        public var messageID: UUID?
        /// The open conversation the message belongs to.
        public var conversationID: UUID?
        public var state: ConversationState?
        /// When the turn that answers it is due; `nil` unless the bot answers.
        public var pendingTurnAt: Date?
    }

    /// Stores an inbound message and schedules its answer, in one transaction.
    ///
    /// A repeated provider id is a no-op (webhooks are delivered at least once). Otherwise the
    /// open conversation with this customer is found or started (an expired one is closed
    /// first, so the customer starts fresh), the message is linked to it and, when the bot
    /// answers the conversation, `pending_turn_at` moves to `now + debounce`: every message of
    /// a burst pushes it back, so the burst is answered by one turn. Workers are woken with
    /// `NOTIFY papo_turns`.
    @discardableResult
    public func recordInbound(
        _ inbound: MessageStore.NewInbound, customerName: String? = nil, debounce: Duration
    ) async throws -> InboundOutcome {
        let type = MessageStore.storedType(inbound.kind)
        let content: JSONValue =
            inbound.content.objectValue != nil ? inbound.content : .object(["value": inbound.content])
        let debounceSeconds = Self.seconds(debounce)
        // One call, one round trip: `papo_record_inbound` (migration 0007) runs the steps in
        // the server, in the implicit transaction of the statement.
        let event = EventLog.messageReceivedPayload(inbound)
        let row: PostgresRow
        do {
            row = try await pool.query(
                """
                SELECT out_message_id, out_conversation_id, out_state, out_pending_turn_at
                FROM papo_record_inbound(
                  \(inbound.tenantID), \(inbound.sessionID), \(inbound.provider.rawValue)::text,
                  \(inbound.providerMessageID)::text, \(inbound.customerNumber)::text, \(type)::text,
                  \(PostgresJSON(content)), \(inbound.replyTo)::text, \(inbound.receivedAt), \(customerName)::text,
                  \(debounceSeconds)::float8, \(PostgresJSON(event)))
                """
            ).first!
        } catch let error as PostgresError where error.sqlState == Self.concurrentDeliveryState {
            // A simultaneous delivery of the same id stored it; this call changed nothing.
            return InboundOutcome(isNew: false)
        }
        guard let messageID: UUID = try row.decode("out_message_id") else { return InboundOutcome(isNew: false) }
        let state = ConversationState(rawValue: try row.decode("out_state")) ?? .bot
        return InboundOutcome(
            isNew: true, messageID: messageID, conversationID: try row.decode("out_conversation_id"), state: state,
            pendingTurnAt: try row.decode("out_pending_turn_at"))
    }

    /// Claims up to `limit` conversations whose turn is due and whose lease is free, across
    /// tenants, oldest deadline first, leasing each to `worker` for `lease`.
    ///
    /// `FOR UPDATE SKIP LOCKED` lets workers on any number of instances claim disjoint sets
    /// without waiting on each other; the lease keeps the conversation theirs after commit,
    /// until they complete the turn or the lease runs out (a crashed worker's turn is retried).
    public func claimDue(limit: Int, worker: String, lease: Duration) async throws -> [ClaimedTurn] {
        try await claim(limit: limit, worker: worker, lease: lease).turns
    }

    /// What a claim took, and when the next turn will be due.
    public struct Claim: Sendable {
        public var turns: [ClaimedTurn]
        /// Until the next unclaimed turn is due (zero when one is due now), `nil` when none is
        /// scheduled: what ``nextDueIn()`` would say right after the claim.
        public var nextDueIn: Duration?
    }

    /// ``claimDue(limit:worker:lease:)`` and ``nextDueIn()`` in one round trip: the claim,
    /// with each conversation's tenant and session joined in, and the next deadline, sent as
    /// one pipeline (an implicit transaction, so the deadline already counts the new leases).
    public func claim(limit: Int, worker: String, lease: Duration) async throws -> Claim {
        guard limit > 0 else { return Claim(turns: [], nextDueIn: try await nextDueIn()) }
        let leaseSeconds = Self.seconds(lease)
        let conversationColumns = Conversation.columnNames.count
        let tenantColumns = Tenant.columnNames
        let sessionColumns = SessionRecord.columnNames
        // No explicit transaction: the claiming UPDATE is atomic on its own, and the lease it
        // writes is what protects the turn afterwards.
        let results = try await pool.withConnection { connection in
            try connection.pipeline([
                """
                WITH claimed AS (
                    UPDATE ai_conversations c SET locked_by = \(worker),
                           locked_until = now() + make_interval(secs => \(leaseSeconds)),
                           turn_attempts = c.turn_attempts + 1
                    FROM (
                        SELECT id FROM ai_conversations
                        WHERE pending_turn_at IS NOT NULL AND pending_turn_at <= now()
                          AND (locked_until IS NULL OR locked_until < now())
                        ORDER BY pending_turn_at
                        LIMIT \(limit)
                        FOR UPDATE SKIP LOCKED
                    ) due
                    WHERE c.id = due.id
                    RETURNING c.*
                )
                SELECT \(fragment: Conversation.columns(alias: "claimed")),
                       \(fragment: Self.qualified(tenantColumns, alias: "t")),
                       \(fragment: Self.qualified(sessionColumns, alias: "s"))
                FROM claimed
                JOIN tenants t ON t.id = claimed.tenant_id
                JOIN whatsapp_sessions s ON s.id = claimed.session_id AND s.tenant_id = claimed.tenant_id
                ORDER BY claimed.pending_turn_at
                """,
                Self.nextDueStatement,
            ])
        }
        let tenantRange = conversationColumns..<(conversationColumns + tenantColumns.count)
        let sessionRange = tenantRange.upperBound..<(tenantRange.upperBound + sessionColumns.count)
        let turns = try results[0].map { row in
            ClaimedTurn(
                conversation: try Conversation(row: row), tenant: try Tenant(row: row.columns(tenantRange)),
                session: try SessionRecord(row: row.columns(sessionRange)), worker: worker)
        }
        return Claim(turns: turns, nextDueIn: try Self.nextDue(results[1].first))
    }

    /// `alias.column` for each column.
    static func qualified(_ names: [String], alias: String) -> SQLQuery {
        SQLQuery(stringLiteral: names.map { "\(alias).\($0)" }.joined(separator: ", "))
    }

    /// Extends the lease of a turn still held by `worker`; `false` means it was lost (it
    /// expired and another worker claimed the conversation), so the turn must stop.
    public func renewLease(_ turn: ClaimedTurn, lease: Duration) async throws -> Bool {
        let result = try await pool.query(
            """
            UPDATE ai_conversations SET locked_until = now() + make_interval(secs => \(Self.seconds(lease)))
            WHERE tenant_id = \(turn.conversation.tenantID) AND id = \(turn.conversation.id)
              AND locked_by = \(turn.worker)
            """)
        return result.affectedRows == 1
    }

    /// Gives a failed turn back: the lease is freed and the turn is due again after `retryAfter`.
    public func releaseTurn(_ turn: ClaimedTurn, retryAfter: Duration) async throws {
        try await pool.query(
            """
            UPDATE ai_conversations SET locked_by = NULL, locked_until = NULL,
                   pending_turn_at = CASE WHEN pending_turn_at IS NULL THEN NULL
                                          ELSE greatest(pending_turn_at, now() + make_interval(secs => \(Self.seconds(retryAfter))))
                                     END
            WHERE tenant_id = \(turn.conversation.tenantID) AND id = \(turn.conversation.id)
              AND locked_by = \(turn.worker)
            """)
    }

    /// How long until the earliest claimable turn is due (zero when one is due now), or `nil`
    /// when nothing waits. Computed by the database so app and database clocks never mix.
    public func nextDueIn() async throws -> Duration? {
        try Self.nextDue(try await pool.query(Self.nextDueStatement).first)
    }

    static let nextDueStatement: SQLQuery = """
        SELECT EXTRACT(EPOCH FROM (min(greatest(pending_turn_at, coalesce(locked_until, pending_turn_at))) - now()))::float8 AS wait
        FROM ai_conversations WHERE pending_turn_at IS NOT NULL
        """

    static func nextDue(_ row: PostgresRow?) throws -> Duration? {
        guard let seconds = try row?.decode("wait", as: Double?.self) else { return nil }
        return .milliseconds(Int64(max(0, seconds) * 1000))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
