public import Foundation
public import PapoCore
import PapoPostgres

extension ConversationStore {
    /// The tenant's active agents: the candidates for routing, oldest first so that trigger
    /// rules are tried in a stable order.
    public func activeAgents(tenantID: UUID) async throws -> [AgentRecord] {
        try await pool.query(Self.activeAgentsQuery(tenantID: tenantID)).map(AgentRecord.init(row:))
    }

    static func activeAgentsQuery(tenantID: UUID) -> SQLQuery {
        """
        SELECT \(fragment: AgentRecord.columns) FROM ai_agents
        WHERE tenant_id = \(tenantID) AND active
        ORDER BY created_at, id
        """
    }

    /// Creates an agent of a tenant. A new default agent takes the flag from the previous one,
    /// in the same transaction, since the schema allows one default per tenant.
    public func createAgent(
        tenantID: UUID, name: String, templateID: String, overrides: [String: JSONValue] = [:],
        isDefault: Bool = false, active: Bool = true
    ) async throws -> AgentRecord {
        try await pool.withTransaction { connection in
            if isDefault {
                try connection.query(
                    "UPDATE ai_agents SET is_default = false WHERE tenant_id = \(tenantID) AND is_default")
            }
            let row = try connection.query(
                """
                INSERT INTO ai_agents (tenant_id, name, template_id, overrides, active, is_default)
                VALUES (\(tenantID), \(name), \(templateID), \(PostgresJSON(overrides)), \(active), \(isDefault))
                RETURNING \(fragment: AgentRecord.columns)
                """
            ).first!
            return try AgentRecord(row: row)
        }
    }

    /// One conversation of a tenant.
    public func conversation(id: UUID, tenantID: UUID) async throws -> Conversation? {
        try await pool.query(
            "SELECT \(fragment: Conversation.columns) FROM ai_conversations WHERE tenant_id = \(tenantID) AND id = \(id)"
        ).first.map(Conversation.init(row:))
    }

    /// Moves a conversation to `state` outside a turn (operator takeover, release, close).
    /// Leaving `bot` drops any pending turn; returning to `bot` makes unanswered messages due.
    @discardableResult
    public func setState(_ state: ConversationState, conversationID: UUID, tenantID: UUID) async throws -> Bool {
        let result = try await pool.query(
            """
            UPDATE ai_conversations SET state = \(state.rawValue),
                   pending_turn_at = CASE
                       WHEN \(state.rawValue) <> 'bot' THEN NULL
                       WHEN EXISTS (SELECT 1 FROM messages m
                                    WHERE m.tenant_id = ai_conversations.tenant_id
                                      AND m.conversation_id = ai_conversations.id
                                      AND m.direction = 'inbound' AND m.answered_at IS NULL) THEN now()
                       ELSE NULL END
            WHERE tenant_id = \(tenantID) AND id = \(conversationID)
            """)
        return result.affectedRows == 1
    }

    /// Assigns (or, with `nil`, unassigns) the agent of a conversation.
    @discardableResult
    public func assignAgent(_ agentID: UUID?, conversationID: UUID, tenantID: UUID) async throws -> Bool {
        let result = try await pool.query(
            """
            UPDATE ai_conversations SET agent_id = \(agentID)
            WHERE tenant_id = \(tenantID) AND id = \(conversationID)
            """)
        return result.affectedRows == 1
    }
}
