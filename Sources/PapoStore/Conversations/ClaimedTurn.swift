public import Foundation
public import PapoCore
import PapoPostgres

/// A conversation whose turn this worker now holds, with what the turn needs to know about
/// the tenant and the number, read in the same transaction as the claim.
public struct ClaimedTurn: Sendable, Equatable {
    public var conversation: Conversation
    public var tenant: Tenant
    public var session: SessionRecord
    /// The worker holding the lease; completing or releasing the turn must name it.
    public var worker: String

    public init(conversation: Conversation, tenant: Tenant, session: SessionRecord, worker: String) {
        self.conversation = conversation
        self.tenant = tenant
        self.session = session
        self.worker = worker
    }
}

/// An agent row of `ai_agents`: which template a tenant's agent uses and how it is set up.
public struct AgentRecord: Sendable, Equatable {
    public var id: UUID
    public var tenantID: UUID
    public var name: String
    /// The YAML template id (`real-estate`); the engine resolves it in its template library.
    public var templateID: String
    /// Per-tenant settings over the template, as the agents API stored them.
    public var overrides: [String: JSONValue]
    public var active: Bool
    public var isDefault: Bool
    public var createdAt: Date

    /// Creates an agent value (the store reads them from rows; tests and fakes build them).
    public init(
        id: UUID = UUID(), tenantID: UUID, name: String, templateID: String, overrides: [String: JSONValue] = [:],
        active: Bool = true, isDefault: Bool = false, createdAt: Date = Date()
    ) {
        self.id = id
        self.tenantID = tenantID
        self.name = name
        self.templateID = templateID
        self.overrides = overrides
        self.active = active
        self.isDefault = isDefault
        self.createdAt = createdAt
    }

    static let columns: SQLQuery = "id, tenant_id, name, template_id, overrides, active, is_default, created_at"

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        tenantID = try row.decode("tenant_id")
        name = try row.decode("name")
        templateID = try row.decode("template_id")
        overrides = try row.decodeJSON("overrides")
        active = try row.decode("active")
        isDefault = try row.decode("is_default")
        createdAt = try row.decode("created_at")
    }
}
