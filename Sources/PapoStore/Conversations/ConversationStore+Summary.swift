public import Foundation
import PapoCore
import PapoPostgres

extension ConversationStore {
    /// Messages not yet folded into the rolling summary, oldest first: the customer's answered
    /// messages and everything the business sent, except failed sends (the customer never saw
    /// them). Unanswered messages belong to the next turn and are never folded.
    public func unfoldedMessages(_ conversation: Conversation, limit: Int = 500) async throws -> [ConversationMessage] {
        try await pool.query(
            """
            SELECT \(fragment: ConversationMessage.columns) FROM messages
            WHERE tenant_id = \(conversation.tenantID) AND conversation_id = \(conversation.id)
              AND seq > \(conversation.summaryUpto ?? 0)
              AND NOT (direction = 'outbound' AND status = 'failed')
              AND NOT (direction = 'inbound' AND answered_at IS NULL)
            ORDER BY seq
            LIMIT \(limit)
            """
        ).map(ConversationMessage.init(row:))
    }

    /// Replaces the rolling summary with one that covers messages through `upto`, and records
    /// the summarisation call's usage — unless another turn folded in the meantime (the summary
    /// the new one was built from is no longer current), in which case nothing changes and
    /// `false` is returned.
    @discardableResult
    public func saveSummary(
        _ summary: String, through upto: Int64, replacing conversation: Conversation, usage: [UsageRecord]
    ) async throws -> Bool {
        try await pool.withTransaction { connection in
            let updated = try connection.query(
                """
                UPDATE ai_conversations SET summary = \(summary), summary_upto = \(upto)
                WHERE tenant_id = \(conversation.tenantID) AND id = \(conversation.id)
                  AND summary_upto IS NOT DISTINCT FROM \(conversation.summaryUpto)::int8
                  AND \(upto)::int8 > COALESCE(summary_upto, 0)
                RETURNING agent_id
                """
            ).first
            guard let updated else { return false }
            let agentID = try updated.decode("agent_id", as: UUID?.self)
            try Self.recordUsage(
                usage, tenantID: conversation.tenantID, conversationID: conversation.id, agentID: agentID,
                on: connection)
            return true
        }
    }
}
