public import Foundation
public import PapoCore
public import PapoPostgres

/// Messages in PostgreSQL. Outbound rows are the outbox: accepted as `queued`, claimed by the
/// sender, then advanced by the provider's answer and status webhooks — never backwards.
public struct MessageStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// What a client asked to send.
    public struct NewOutbound: Sendable {
        public var tenantID: UUID
        public var session: SessionRecord
        public var customerNumber: String
        public var type: String
        public var content: JSONValue
        public var author: String
        public var idempotencyKey: String?
        /// SHA-256 of the canonical request, to tell a retry from a different request.
        public var requestHash: Data?
        public var replyTo: String?

        public init(
            tenantID: UUID, session: SessionRecord, customerNumber: String, type: String, content: JSONValue,
            author: String = "api", idempotencyKey: String? = nil, requestHash: Data? = nil, replyTo: String? = nil
        ) {
            self.tenantID = tenantID
            self.session = session
            self.customerNumber = customerNumber
            self.type = type
            self.content = content
            self.author = author
            self.idempotencyKey = idempotencyKey
            self.requestHash = requestHash
            self.replyTo = replyTo
        }
    }

    public enum EnqueueResult: Sendable, Equatable {
        /// A new queued message.
        case created(StoredMessage)
        /// The same idempotency key and body as an earlier request: its message.
        case replayed(StoredMessage)
        /// The same idempotency key with a different body.
        case conflict(StoredMessage)
    }

    /// Stores a message as `queued`, due now, and wakes the sender.
    public func enqueue(_ new: NewOutbound) async throws -> EnqueueResult {
        try await pool.withTransaction { connection in
            if let key = new.idempotencyKey,
                let row = try connection.query(
                    "SELECT \(fragment: StoredMessage.columns) FROM messages WHERE tenant_id = \(new.tenantID) AND idempotency_key = \(key)"
                ).first
            {
                let existing = try StoredMessage(row: row)
                return existing.requestHash == new.requestHash ? .replayed(existing) : .conflict(existing)
            }
            let row = try connection.query(
                """
                INSERT INTO messages (tenant_id, session_id, direction, provider, customer_number, type, content, status,
                                      author, idempotency_key, request_hash, next_attempt_at, queued_at, reply_to_message_id)
                VALUES (\(new.tenantID), \(new.session.id), 'outbound', \(new.session.provider.rawValue), \(new.customerNumber),
                        \(new.type), \(PostgresJSON(new.content)), 'queued', \(new.author), \(new.idempotencyKey),
                        \(new.requestHash), now(), now(), \(new.replyTo))
                RETURNING \(fragment: StoredMessage.columns)
                """
            ).first!
            try connection.query("SELECT pg_notify('papo_outbox', '')")
            return .created(try StoredMessage(row: row))
        }
    }

    /// One message of one tenant.
    public func message(id: UUID, tenantID: UUID) async throws -> StoredMessage? {
        try await pool.query(
            "SELECT \(fragment: StoredMessage.columns) FROM messages WHERE tenant_id = \(tenantID) AND id = \(id)"
        ).first.map(StoredMessage.init(row:))
    }

    /// Claims up to `limit` due outbound messages for sending, across tenants, oldest first.
    ///
    /// Claimed rows become `sending` with a lease: if this process dies mid-send, the lease
    /// runs out and another sender picks the row up again. `SKIP LOCKED` lets several senders
    /// (on several instances) claim disjoint batches.
    public func claimDue(limit: Int, lease: Duration) async throws -> [StoredMessage] {
        let leaseSeconds = Double(lease.components.seconds)
        return try await pool.withTransaction { connection in
            try connection.query(
                """
                UPDATE messages m SET status = 'sending', attempts = m.attempts + 1,
                       next_attempt_at = now() + make_interval(secs => \(leaseSeconds))
                FROM (
                    SELECT id FROM messages
                    WHERE direction = 'outbound' AND status IN ('queued', 'sending') AND next_attempt_at <= now()
                    ORDER BY next_attempt_at
                    LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED
                ) due
                WHERE m.id = due.id
                RETURNING \(fragment: Self.prefixed("m"))
                """
            ).map(StoredMessage.init(row:))
        }
    }

    /// The provider accepted the message; watchers get a `message.status` event (the
    /// provider's own later `sent` report then changes nothing, so it is announced once).
    public func markSent(_ message: StoredMessage, provider: ProviderKind, providerMessageID: String) async throws {
        let payload = EventLog.messageStatusPayload(
            messageID: message.id, provider: provider, providerMessageID: providerMessageID, status: .sent,
            at: nil, errorCode: nil)
        // One statement, one round trip: the update and, when it changed the row, its event
        // (`papo_publish_event`, migration 0007) with the stored time.
        try await pool.query(
            """
            WITH updated AS (
              UPDATE messages SET status = 'sent', provider = \(provider.rawValue),
                     provider_message_id = \(providerMessageID), sent_at = COALESCE(sent_at, now()),
                     next_attempt_at = NULL, error_code = NULL, error_message = NULL
              WHERE tenant_id = \(message.tenantID) AND id = \(message.id) AND status = 'sending'
              RETURNING sent_at
            )
            SELECT papo_publish_event(
                     \(message.tenantID), \(EventType.messageStatus.rawValue)::text,
                     \(PostgresJSON(payload)) || jsonb_build_object('at', \(fragment: Self.isoTime("sent_at"))))
            FROM updated
            """)
    }

    /// An ISO 8601 UTC text of a timestamp column, as event payloads carry times.
    static func isoTime(_ column: String) -> SQLQuery {
        SQLQuery(stringLiteral: "to_char(\(column) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
    }

    /// A retryable failure: back to `queued`, due at `at`, with the error kept for the status API.
    public func scheduleRetry(_ message: StoredMessage, at: Date, code: String, reason: String) async throws {
        try await pool.query(
            """
            UPDATE messages SET status = 'queued', next_attempt_at = \(at), error_code = \(code), error_message = \(reason)
            WHERE tenant_id = \(message.tenantID) AND id = \(message.id) AND status = 'sending'
            """)
    }

    /// A permanent failure (or retries exhausted): `failed` with the provider's code and words,
    /// announced as a `message.status` event so a failed send is reported, never silent.
    public func markFailed(_ message: StoredMessage, code: String, reason: String) async throws {
        try await pool.withTransaction { connection in
            let updated = try connection.query(
                """
                UPDATE messages SET status = 'failed', failed_at = now(), next_attempt_at = NULL,
                       error_code = \(code), error_message = \(reason)
                WHERE tenant_id = \(message.tenantID) AND id = \(message.id) AND status IN ('sending', 'queued')
                RETURNING failed_at, provider, provider_message_id
                """
            ).first
            guard let updated else { return }
            try EventLog.publish(
                .messageStatus, tenantID: message.tenantID,
                payload: EventLog.messageStatusPayload(
                    messageID: message.id,
                    provider: ProviderKind(rawValue: try updated.decode("provider", as: String.self))
                        ?? message.provider,
                    providerMessageID: try updated.decode("provider_message_id", as: String?.self), status: .failed,
                    at: try updated.decode("failed_at", as: Date.self), errorCode: code),
                on: connection)
        }
    }

    /// Applies a provider status report to our message with that provider id; returns whether it
    /// changed anything. A report that would move the status backwards is ignored.
    @discardableResult
    public func applyStatus(
        tenantID: UUID, provider: ProviderKind, providerMessageID: String, status: MessageStatus, at: Date,
        errorCode: String? = nil, errorMessage: String? = nil
    ) async throws -> Bool {
        // Only from a status that may move to `status`; the UPDATE's own row lock makes the
        // check and the change one step. One round trip, the event included.
        let from = MessageStatus.allCases.filter { $0.canAdvance(to: status) }.map(\.rawValue)
        let payload = EventLog.messageStatusPayload(
            messageID: nil, provider: provider, providerMessageID: providerMessageID, status: status, at: at,
            errorCode: errorCode)
        let column = Self.timestampColumn(for: status)
        let changed = try await pool.query(
            """
            WITH updated AS (
              UPDATE messages SET status = \(status.rawValue),
                     \(fragment: column) = COALESCE(\(fragment: column), \(at)),
                     error_code = COALESCE(\(errorCode), error_code), error_message = COALESCE(\(errorMessage), error_message)
              WHERE tenant_id = \(tenantID) AND provider = \(provider.rawValue)
                AND provider_message_id = \(providerMessageID) AND direction = 'outbound'
                AND status = ANY(\(from)::text[])
              RETURNING id
            )
            SELECT papo_publish_event(
                     \(tenantID), \(EventType.messageStatus.rawValue)::text,
                     \(PostgresJSON(payload)) || jsonb_build_object('message_id', id)) AS event
            FROM updated
            """)
        return !changed.isEmpty
    }

    static func timestampColumn(for status: MessageStatus) -> SQLQuery {
        switch status {
        case .queued: "queued_at"
        case .sending, .sent: "sent_at"
        case .delivered: "delivered_at"
        case .read: "read_at"
        case .played: "played_at"
        case .failed: "failed_at"
        case .received: "received_at"
        }
    }

    static func prefixed(_ alias: String) -> SQLQuery {
        let columns = StoredMessage.columns.sql.split(separator: ",").map {
            "\(alias).\($0.trimmingCharacters(in: .whitespacesAndNewlines))"
        }
        return SQLQuery(stringLiteral: columns.joined(separator: ", "))
    }
}

extension MessageStore {
    /// The tenant owning a session, for events that name only the session (provider callbacks).
    public func tenantID(ofSession sessionID: UUID) async throws -> UUID? {
        try await pool.query("SELECT tenant_id FROM whatsapp_sessions WHERE id = \(sessionID)").first?.decode(
            "tenant_id")
    }
}

extension MessageStore {
    /// A message a customer sent, as a provider reported it.
    public struct NewInbound: Sendable {
        public var tenantID: UUID
        public var sessionID: UUID
        public var provider: ProviderKind
        public var providerMessageID: String
        public var customerNumber: String
        public var kind: MessageKind
        public var content: JSONValue
        public var replyTo: String?
        public var receivedAt: Date

        public init(
            tenantID: UUID, sessionID: UUID, provider: ProviderKind, providerMessageID: String, customerNumber: String,
            kind: MessageKind, content: JSONValue, replyTo: String?, receivedAt: Date
        ) {
            self.tenantID = tenantID
            self.sessionID = sessionID
            self.provider = provider
            self.providerMessageID = providerMessageID
            self.customerNumber = customerNumber
            self.kind = kind
            self.content = content
            self.replyTo = replyTo
            self.receivedAt = receivedAt
        }
    }

    /// The session a provider's webhook names by its own id (Meta phone_number_id, Evolution
    /// instance), with its tenant.
    public func session(provider: ProviderKind, externalID: String) async throws -> (tenantID: UUID, sessionID: UUID)? {
        guard
            let row = try await pool.query(
                "SELECT tenant_id, id FROM whatsapp_sessions WHERE provider = \(provider.rawValue) AND external_id = \(externalID)"
            ).first
        else { return nil }
        return (try row.decode("tenant_id"), try row.decode("id"))
    }
}

extension MessageStore {
    /// The `messages.type` value for a kind (inbound-only kinds fold into the stored set).
    static func storedType(_ kind: MessageKind) -> String {
        switch kind {
        case .button: "interactive"
        case .unsupported, .system: "unknown"
        default: kind.rawValue
        }
    }
}

extension MessageStore {
    /// Puts a claimed message back, due at `until`, without counting an attempt: pacing, not a
    /// failure, held it back.
    public func postpone(_ message: StoredMessage, until: Date) async throws {
        try await pool.query(
            """
            UPDATE messages SET status = 'queued', next_attempt_at = \(until), attempts = greatest(attempts - 1, 0)
            WHERE tenant_id = \(message.tenantID) AND id = \(message.id) AND status = 'sending'
            """)
    }
}
