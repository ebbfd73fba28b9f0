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
        guard limit > 0 else { return [] }
        let leaseSeconds = Self.seconds(lease)
        // No explicit transaction: the claiming UPDATE is atomic on its own, and the lease it
        // writes is what protects the turn afterwards; two round trips fewer per claim.
        return try await pool.withConnection { connection in
            let conversations = try connection.query(
                """
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
                RETURNING \(fragment: Conversation.columns(alias: "c"))
                """
            ).map(Conversation.init(row:))
            guard !conversations.isEmpty else { return [] }
            let tenantIDs = Array(Set(conversations.map(\.tenantID.uuidString)))
            let sessionIDs = Array(Set(conversations.map(\.sessionID.uuidString)))
            let tenants = try connection.query(
                "SELECT \(fragment: Tenant.columns) FROM tenants WHERE id = ANY(\(tenantIDs)::uuid[])"
            ).map(Tenant.init(row:))
            let sessions = try connection.query(
                "SELECT \(fragment: SessionRecord.columns) FROM whatsapp_sessions WHERE id = ANY(\(sessionIDs)::uuid[])"
            ).map(SessionRecord.init(row:))
            return conversations.compactMap { conversation in
                guard let tenant = tenants.first(where: { $0.id == conversation.tenantID }),
                    let session = sessions.first(where: { $0.id == conversation.sessionID })
                else { return nil }
                return ClaimedTurn(conversation: conversation, tenant: tenant, session: session, worker: worker)
            }
        }
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
        let row = try await pool.query(
            """
            SELECT EXTRACT(EPOCH FROM (min(greatest(pending_turn_at, coalesce(locked_until, pending_turn_at))) - now()))::float8 AS wait
            FROM ai_conversations WHERE pending_turn_at IS NOT NULL
            """
        ).first
        guard let seconds = try row?.decode("wait", as: Double?.self) else { return nil }
        return .milliseconds(Int64(max(0, seconds) * 1000))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
