public import Foundation
public import PapoCore
import PapoPostgres

/// A tenant's own OpenAI-compatible endpoint: the overrides (base URL, model, dialect; never
/// the key) and the key sealed with its key id.
public struct TenantLLMSettings: Sendable, Equatable {
    /// `LLMEndpoint.Overrides` in their JSON form, without `api_key`.
    public var overrides: [String: JSONValue]
    public var sealedKey: Data?
    public var keyID: String?
    public var updatedAt: Date

    /// Whether the tenant changed anything about the platform's endpoint.
    public var isEmpty: Bool { overrides.isEmpty && sealedKey == nil }

    public init(overrides: [String: JSONValue], sealedKey: Data?, keyID: String?, updatedAt: Date) {
        self.overrides = overrides
        self.sealedKey = sealedKey
        self.keyID = keyID
        self.updatedAt = updatedAt
    }
}

extension TenantStore {
    /// The tenant's LLM settings; `nil` for an unknown tenant.
    public func llmSettings(tenantID: UUID) async throws -> TenantLLMSettings? {
        try await pool.query(
            "SELECT llm_overrides, llm_api_key, llm_api_key_id, updated_at FROM tenants WHERE id = \(tenantID)"
        ).first.map { row in
            TenantLLMSettings(
                overrides: try row.decodeJSON("llm_overrides", as: [String: JSONValue].self),
                sealedKey: try row.decode("llm_api_key", as: Data?.self),
                keyID: try row.decode("llm_api_key_id", as: String?.self),
                updatedAt: try row.decode("updated_at", as: Date.self))
        }
    }

    /// Replaces the tenant's LLM overrides. `key` replaces the sealed key when given; with
    /// `clearKey` the key is removed; otherwise the stored key stays.
    public func setLLMSettings(
        tenantID: UUID, overrides: [String: JSONValue], key: (sealed: Data, keyID: String)?, clearKey: Bool,
        actor: String
    ) async throws {
        try await pool.withTransaction { connection in
            try connection.query(
                """
                UPDATE tenants SET llm_overrides = \(PostgresJSON(overrides)),
                       llm_api_key = CASE WHEN \(clearKey) THEN NULL ELSE COALESCE(\(key?.sealed)::bytea, llm_api_key) END,
                       llm_api_key_id = CASE WHEN \(clearKey) THEN NULL
                                             ELSE COALESCE(\(key?.keyID)::text, llm_api_key_id) END
                WHERE id = \(tenantID)
                """)
            try AuditLog.record(
                tenantID: tenantID, actor: actor, action: "tenant.llm.update", target: tenantID.uuidString,
                details: [
                    "fields": .array(overrides.keys.sorted().map(JSONValue.string)),
                    "key_changed": .bool(key != nil || clearKey),
                ],
                on: connection)
        }
    }
}
