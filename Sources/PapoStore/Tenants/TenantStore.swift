public import Foundation
public import PapoCore
public import PapoPostgres

/// Tenants and their API keys in PostgreSQL. Every tenant-owned query filters by tenant id.
public struct TenantStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// Creates a tenant and its first API key in one transaction.
    public func create(
        name: String, settings: TenantSettingsUpdate = TenantSettingsUpdate(), actor: String
    )
        async throws -> (Tenant, IssuedAPIKey)
    {
        let clientID = SecretToken.clientID(forName: name)
        let secret = SecretToken.apiKey()
        return try await pool.withTransaction { connection in
            let row = try connection.query(
                """
                INSERT INTO tenants (client_id, name, timezone, default_language, preferred_provider,
                                     fallback_provider, webhook_url, business)
                VALUES (\(clientID), \(name), \(settings.timezone ?? "America/Sao_Paulo"),
                        \(settings.defaultLanguage ?? "pt-BR"), \(settings.preferredProvider?.rawValue ?? "sandbox"),
                        \(settings.fallbackProvider??.rawValue), \(settings.webhookURL ?? nil),
                        \(PostgresJSON(settings.business ?? [:])))
                RETURNING \(fragment: Tenant.columns)
                """
            ).first!
            let tenant = try Tenant(row: row)
            let key = try Self.insertKey(secret: secret, tenantID: tenant.id, name: "default", on: connection)
            try AuditLog.record(
                tenantID: tenant.id, actor: actor, action: "tenant.create", target: tenant.clientID, on: connection)
            return (tenant, key)
        }
    }

    public func tenant(clientID: String) async throws -> Tenant? {
        try await pool.query("SELECT \(fragment: Tenant.columns) FROM tenants WHERE client_id = \(clientID)")
            .first.map(Tenant.init(row:))
    }

    public func tenant(id: UUID) async throws -> Tenant? {
        try await pool.query("SELECT \(fragment: Tenant.columns) FROM tenants WHERE id = \(id)")
            .first.map(Tenant.init(row:))
    }

    /// Tenants, newest first, a page at a time.
    public func list(limit: Int, offset: Int) async throws -> [Tenant] {
        try await pool.query(
            "SELECT \(fragment: Tenant.columns) FROM tenants ORDER BY created_at DESC, id LIMIT \(limit) OFFSET \(offset)"
        ).map(Tenant.init(row:))
    }

    /// Applies a validated settings update to one tenant and returns the result.
    public func updateSettings(tenantID: UUID, _ update: TenantSettingsUpdate, actor: String) async throws -> Tenant {
        try await pool.withTransaction { connection in
            let row = try connection.query(
                """
                UPDATE tenants SET
                    name = COALESCE(\(update.name), name),
                    timezone = COALESCE(\(update.timezone), timezone),
                    default_language = COALESCE(\(update.defaultLanguage), default_language),
                    preferred_provider = COALESCE(\(update.preferredProvider?.rawValue), preferred_provider),
                    fallback_provider = CASE WHEN \(update.fallbackProvider != nil) THEN \(update.fallbackProvider??.rawValue)
                                             ELSE fallback_provider END,
                    webhook_url = CASE WHEN \(update.webhookURL != nil) THEN \(update.webhookURL ?? nil) ELSE webhook_url END,
                    business = COALESCE(\(update.business.map { PostgresJSON($0) }), business)
                WHERE id = \(tenantID)
                RETURNING \(fragment: Tenant.columns)
                """)
            guard let row = row.first else {
                throw PostgresError(.queryFailed, "tenant \(tenantID) does not exist")
            }
            try AuditLog.record(
                tenantID: tenantID, actor: actor, action: "tenant.settings.update",
                target: try row.decode("client_id", as: String.self), on: connection)
            return try Tenant(row: row)
        }
    }

    /// Suspends or resumes a tenant; `nil` when no tenant has that client id.
    public func setStatus(clientID: String, _ status: TenantStatus, actor: String) async throws -> Tenant? {
        try await pool.withTransaction { connection in
            guard
                let row = try connection.query(
                    "UPDATE tenants SET status = \(status.rawValue) WHERE client_id = \(clientID) RETURNING \(fragment: Tenant.columns)"
                ).first
            else { return nil }
            let tenant = try Tenant(row: row)
            try AuditLog.record(
                tenantID: tenant.id, actor: actor, action: "tenant.\(status == .active ? "resume" : "suspend")",
                target: clientID, on: connection)
            return tenant
        }
    }

    static func insertKey(
        secret: String, tenantID: UUID?, name: String, on connection: PostgresConnection
    ) throws
        -> IssuedAPIKey
    {
        let row = try connection.query(
            """
            INSERT INTO api_keys (tenant_id, key_hash, prefix, name)
            VALUES (\(tenantID), \(APIKeyHash.digest(of: secret)), \(SecretToken.displayPrefix(of: secret)), \(name))
            RETURNING \(fragment: APIKeyRecord.columns)
            """
        ).first!
        return IssuedAPIKey(record: try APIKeyRecord(row: row), secret: secret)
    }
}
