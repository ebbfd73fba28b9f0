public import Foundation
public import PapoCore
import PapoPostgres

extension ConversationStore {
    /// Every agent of a tenant, active or not, oldest first.
    public func agents(tenantID: UUID) async throws -> [AgentRecord] {
        try await pool.query(
            "SELECT \(fragment: AgentRecord.columns) FROM ai_agents WHERE tenant_id = \(tenantID) ORDER BY created_at, id"
        ).map(AgentRecord.init(row:))
    }

    /// Changes what was given (`nil` leaves a field alone); a new default takes the flag from the
    /// previous one in the same transaction. `nil` when the tenant has no such agent.
    public func configureAgent(
        id: UUID, tenantID: UUID, name: String?, overrides: [String: JSONValue]?, active: Bool?, isDefault: Bool?
    ) async throws -> AgentRecord? {
        try await pool.withTransaction { connection in
            if isDefault == true {
                try connection.query(
                    "UPDATE ai_agents SET is_default = false WHERE tenant_id = \(tenantID) AND is_default AND id <> \(id)"
                )
            }
            return try connection.query(
                """
                UPDATE ai_agents SET name = COALESCE(\(name)::text, name),
                       overrides = COALESCE(\(overrides.map { PostgresJSON($0) }), overrides),
                       active = COALESCE(\(active)::boolean, active),
                       is_default = COALESCE(\(isDefault)::boolean, is_default)
                WHERE tenant_id = \(tenantID) AND id = \(id)
                RETURNING \(fragment: AgentRecord.columns)
                """
            ).first.map(AgentRecord.init(row:))
        }
    }

    /// Deletes an agent; its conversations keep their history and lose the assignment.
    public func deleteAgent(id: UUID, tenantID: UUID) async throws -> Bool {
        try await pool.query("DELETE FROM ai_agents WHERE tenant_id = \(tenantID) AND id = \(id)").affectedRows == 1
    }
}
