import Foundation
import PapoCore
import PapoPostgres

extension ConversationStore {
    /// Records a message the business sent from its own phone (an operator) and, with `pause`,
    /// pauses the bot in the open conversation with that customer, so it never talks over a
    /// human (the template's `handoff.pause_on_operator_reply`); the customer's messages so far
    /// then count as answered by the operator.
    ///
    /// An echo of one of Papo's own sends carries the provider id of that send, so it hits the
    /// dedupe key and changes nothing: the bot is not paused by its own replies.
    ///
    /// - Returns: whether the message was new.
    @discardableResult
    public func recordOperatorMessage(_ message: MessageStore.NewInbound, pause: Bool) async throws -> Bool {
        let content: JSONValue =
            message.content.objectValue != nil ? message.content : .object(["value": message.content])
        return try await pool.withTransaction { connection in
            guard
                let inserted = try connection.query(
                    """
                    INSERT INTO messages (tenant_id, session_id, direction, provider, provider_message_id, customer_number,
                                          type, content, status, author, sent_at)
                    VALUES (\(message.tenantID), \(message.sessionID), 'outbound', \(message.provider.rawValue),
                            \(message.providerMessageID), \(message.customerNumber),
                            \(MessageStore.storedType(message.kind)), \(PostgresJSON(content)), 'sent', 'operator',
                            \(message.receivedAt))
                    ON CONFLICT ON CONSTRAINT messages_dedupe_key DO NOTHING
                    RETURNING id
                    """
                ).first
            else { return false }
            let messageID: UUID = try inserted.decode("id")
            let conversation = try connection.query(
                """
                UPDATE ai_conversations SET last_message_at = now(),
                       state = CASE WHEN \(pause) AND state = 'bot' THEN 'paused' ELSE state END,
                       pending_turn_at = CASE WHEN \(pause) AND state = 'bot' THEN NULL ELSE pending_turn_at END
                WHERE tenant_id = \(message.tenantID) AND session_id = \(message.sessionID)
                  AND customer_number = \(message.customerNumber) AND state <> 'closed'
                RETURNING id
                """
            ).first
            if let conversation {
                let conversationID: UUID = try conversation.decode("id")
                try connection.query(
                    """
                    UPDATE messages SET conversation_id = \(conversationID)
                    WHERE tenant_id = \(message.tenantID) AND id = \(messageID)
                    """)
                if pause {
                    // The operator answered what the customer said so far; marking it keeps a
                    // later bot turn from answering it again and places it before the reply.
                    try connection.query(
                        """
                        UPDATE messages SET answered_at = now()
                        WHERE tenant_id = \(message.tenantID) AND conversation_id = \(conversationID)
                          AND direction = 'inbound' AND answered_at IS NULL
                        """)
                }
            }
            return true
        }
    }
}
