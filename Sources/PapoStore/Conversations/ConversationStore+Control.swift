public import Foundation
import PapoCore
import PapoPostgres

extension ConversationStore {
    /// What an operator's action on a conversation did.
    public enum ControlOutcome: Sendable, Equatable {
        /// The conversation moved from `previous` to its new state.
        case changed(Conversation, previous: ConversationState)
        /// The tenant has no such conversation.
        case notFound
        /// The action is not allowed in the conversation's `current` state; nothing changed.
        case refused(current: ConversationState)
    }

    /// Applies an operator's `action` to a conversation, in one transaction with its
    /// `conversation.updated` event and audit entry.
    ///
    /// - Taking over drops the pending turn. A turn already running keeps its lease: when it
    ///   completes, the store sees the conversation left `bot` and drops its replies.
    /// - Releasing hands the conversation back to the bot. Customer messages that arrived while
    ///   a human held it are marked answered, since the human saw them and the bot would answer
    ///   a stale question; with `answerPending` they are answered by a turn due now instead.
    /// - Closing drops the pending turn; the customer's next message opens a new conversation.
    public func apply(
        _ action: ConversationAction, conversationID: UUID, tenantID: UUID, actor: String,
        answerPending: Bool = false
    ) async throws -> ControlOutcome {
        try await pool.withTransaction { connection in
            guard let current = try Self.lockState(conversationID: conversationID, tenantID: tenantID, on: connection)
            else { return .notFound }
            guard let target = action.target(from: current) else { return .refused(current: current) }
            var dueNow = false
            if action == .release {
                if answerPending {
                    dueNow =
                        try connection.query(
                            """
                            SELECT 1 FROM messages
                            WHERE tenant_id = \(tenantID) AND conversation_id = \(conversationID)
                              AND direction = 'inbound' AND answered_at IS NULL
                            LIMIT 1
                            """
                        ).first != nil
                } else {
                    try Self.markAnswered(conversationID: conversationID, tenantID: tenantID, on: connection)
                }
            }
            let row = try connection.query(
                """
                UPDATE ai_conversations SET state = \(target.rawValue),
                       pending_turn_at = CASE WHEN \(dueNow) THEN now() ELSE NULL END
                WHERE tenant_id = \(tenantID) AND id = \(conversationID)
                RETURNING \(fragment: Conversation.columns)
                """
            ).first!
            let conversation = try Conversation(row: row)
            var details: [String: JSONValue] = [:]
            if action == .release { details["answer_pending"] = .bool(answerPending) }
            try Self.recordChange(
                conversation, from: current, action: action.rawValue, actor: actor, details: details, on: connection)
            if dueNow {
                try connection.query("SELECT pg_notify(\(Self.turnsChannel), \(conversationID.uuidString))")
            }
            return .changed(conversation, previous: current)
        }
    }

    /// What queueing an operator's reply did.
    public enum OperatorReplyOutcome: Sendable, Equatable {
        /// The reply is queued; `conversation` is the state after it (`human` when the bot had
        /// it, otherwise unchanged), `previous` the state before.
        case queued(StoredMessage, conversation: Conversation, previous: ConversationState)
        case notFound
        /// Closed conversations take no more messages; nothing was queued.
        case closed
    }

    /// Queues an operator's text reply in a conversation through the outbox (author
    /// `operator`), in one transaction with what it implies: a bot that held the conversation
    /// is paused into `human` (with its event and audit entry) and its pending turn dropped,
    /// and the customer's messages so far count as answered by the operator.
    public func queueOperatorReply(
        text: String, conversationID: UUID, tenantID: UUID, actor: String
    ) async throws -> OperatorReplyOutcome {
        let content: JSONValue = ["endpoint": "text", "text": .string(text)]
        return try await pool.withTransaction { connection in
            guard let current = try Self.lockState(conversationID: conversationID, tenantID: tenantID, on: connection)
            else { return .notFound }
            guard current != .closed else { return .closed }
            let message = try StoredMessage(
                row: try connection.query(
                    """
                    INSERT INTO messages (tenant_id, session_id, conversation_id, direction, provider, customer_number,
                                          type, content, status, author, next_attempt_at, queued_at)
                    SELECT c.tenant_id, c.session_id, c.id, 'outbound', s.provider, c.customer_number, 'text',
                           \(PostgresJSON(content)), 'queued', 'operator', now(), now()
                    FROM ai_conversations c
                    JOIN whatsapp_sessions s ON s.tenant_id = c.tenant_id AND s.id = c.session_id
                    WHERE c.tenant_id = \(tenantID) AND c.id = \(conversationID)
                    RETURNING \(fragment: StoredMessage.columns)
                    """
                ).first!)
            try Self.markAnswered(conversationID: conversationID, tenantID: tenantID, on: connection)
            let pauses = current == .bot
            let row = try connection.query(
                """
                UPDATE ai_conversations SET last_message_at = now(),
                       state = CASE WHEN \(pauses) THEN 'human' ELSE state END,
                       pending_turn_at = CASE WHEN \(pauses) THEN NULL ELSE pending_turn_at END
                WHERE tenant_id = \(tenantID) AND id = \(conversationID)
                RETURNING \(fragment: Conversation.columns)
                """
            ).first!
            let conversation = try Conversation(row: row)
            if pauses {
                try Self.recordChange(
                    conversation, from: current, action: ConversationAction.takeover.rawValue, actor: actor,
                    details: ["reason": "operator_message"], on: connection)
            }
            try AuditLog.record(
                tenantID: tenantID, actor: actor, action: "conversation.message",
                target: conversationID.uuidString.lowercased(),
                details: ["message_id": .string(message.id.uuidString.lowercased())], on: connection)
            try connection.query("SELECT pg_notify(\(Self.outboxChannel), '')")
            return .queued(message, conversation: conversation, previous: current)
        }
    }

    /// The conversation's state, with its row locked until the transaction ends so two
    /// operators' actions apply one after the other.
    static func lockState(
        conversationID: UUID, tenantID: UUID, on connection: PostgresConnection
    ) throws -> ConversationState? {
        guard
            let row = try connection.query(
                "SELECT state FROM ai_conversations WHERE tenant_id = \(tenantID) AND id = \(conversationID) FOR UPDATE"
            ).first
        else { return nil }
        let text: String = try row.decode("state")
        guard let state = ConversationState(rawValue: text) else {
            throw PostgresError(.decodingFailed, "unknown conversation state \(text)")
        }
        return state
    }

    static func markAnswered(conversationID: UUID, tenantID: UUID, on connection: PostgresConnection) throws {
        try connection.query(
            """
            UPDATE messages SET answered_at = now()
            WHERE tenant_id = \(tenantID) AND conversation_id = \(conversationID)
              AND direction = 'inbound' AND answered_at IS NULL
            """)
    }

    /// The `conversation.updated` event and the audit entry of a state change.
    static func recordChange(
        _ conversation: Conversation, from previous: ConversationState, action: String, actor: String,
        details: [String: JSONValue], on connection: PostgresConnection
    ) throws {
        let id = conversation.id.uuidString.lowercased()
        let payload: JSONValue = [
            "conversation_id": .string(id), "state": .string(conversation.state.rawValue),
            "previous_state": .string(previous.rawValue), "action": .string(action), "actor": .string(actor),
        ]
        try EventLog.publish(.conversationUpdated, tenantID: conversation.tenantID, payload: payload, on: connection)
        var audited = details
        audited["previous_state"] = .string(previous.rawValue)
        audited["state"] = .string(conversation.state.rawValue)
        try AuditLog.record(
            tenantID: conversation.tenantID, actor: actor, action: "conversation.\(action)", target: id,
            details: audited, on: connection)
    }
}
