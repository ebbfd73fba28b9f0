public import Foundation
import PapoCore
public import PapoPostgres

/// Issues, lists, rotates and checks API keys.
public struct APIKeyStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The outcome of presenting a key.
    public enum Authentication: Sendable, Equatable {
        /// The key is live and belongs to this tenant.
        case tenant(Tenant, keyID: UUID)
        /// No live key has this secret (unknown, revoked or past its rotation grace).
        case invalid
    }

    /// Looks a presented key up by its digest and re-checks the digest in constant time.
    ///
    /// `last_used_at` is refreshed at most once a minute so authentication does not write a
    /// row on every request.
    public func authenticate(secret: String) async throws -> Authentication {
        let digest = APIKeyHash.digest(of: secret)
        return try await pool.withConnection { connection in
            let rows = try connection.query(
                """
                SELECT k.id AS key_id, k.key_hash, k.revoked_at, \(fragment: Self.prefixedTenantColumns)
                FROM api_keys k JOIN tenants t ON t.id = k.tenant_id
                WHERE k.key_hash = \(digest)
                """)
            guard let row = rows.first,
                APIKeyHash.constantTimeEquals(try row.decode("key_hash", as: Data.self), digest)
            else { return .invalid }
            if let revokedAt = try row.decode("revoked_at", as: Date?.self), revokedAt <= Date() { return .invalid }
            let keyID: UUID = try row.decode("key_id")
            try connection.query(
                """
                UPDATE api_keys SET last_used_at = now()
                WHERE id = \(keyID) AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')
                """)
            return .tenant(try Tenant(row: row), keyID: keyID)
        }
    }

    /// Creates another live key for a tenant.
    public func issue(tenantID: UUID, name: String, actor: String) async throws -> IssuedAPIKey {
        let secret = SecretToken.apiKey()
        return try await pool.withTransaction { connection in
            let key = try TenantStore.insertKey(secret: secret, tenantID: tenantID, name: name, on: connection)
            try AuditLog.record(
                tenantID: tenantID, actor: actor, action: "api_key.create", target: key.record.prefix, on: connection)
            return key
        }
    }

    /// Issues a new key and retires every other live key of the tenant after `grace`
    /// (immediately when zero), so clients can switch without downtime.
    public func rotate(tenantID: UUID, name: String, grace: Duration, actor: String) async throws -> IssuedAPIKey {
        let secret = SecretToken.apiKey()
        let graceSeconds = Double(grace.components.seconds)
        return try await pool.withTransaction { connection in
            let key = try TenantStore.insertKey(secret: secret, tenantID: tenantID, name: name, on: connection)
            try connection.query(
                """
                UPDATE api_keys SET revoked_at = now() + make_interval(secs => \(graceSeconds))
                WHERE tenant_id = \(tenantID) AND id <> \(key.record.id)
                  AND (revoked_at IS NULL OR revoked_at > now() + make_interval(secs => \(graceSeconds)))
                """)
            try AuditLog.record(
                tenantID: tenantID, actor: actor, action: "api_key.rotate", target: key.record.prefix,
                details: ["grace_seconds": .number(graceSeconds)], on: connection)
            return key
        }
    }

    /// Revokes one key now; false when the tenant has no such live key.
    public func revoke(tenantID: UUID, keyID: UUID, actor: String) async throws -> Bool {
        try await pool.withTransaction { connection in
            let result = try connection.query(
                """
                UPDATE api_keys SET revoked_at = now()
                WHERE tenant_id = \(tenantID) AND id = \(keyID) AND (revoked_at IS NULL OR revoked_at > now())
                """)
            if result.affectedRows > 0 {
                try AuditLog.record(
                    tenantID: tenantID, actor: actor, action: "api_key.revoke", target: keyID.uuidString, on: connection
                )
            }
            return result.affectedRows > 0
        }
    }

    /// Every key of a tenant, live or not, newest first.
    public func list(tenantID: UUID) async throws -> [APIKeyRecord] {
        try await pool.query(
            "SELECT \(fragment: APIKeyRecord.columns) FROM api_keys WHERE tenant_id = \(tenantID) ORDER BY created_at DESC"
        ).map(APIKeyRecord.init(row:))
    }

    private static let prefixedTenantColumns: SQLQuery = """
        t.id, t.client_id, t.name, t.status, t.timezone, t.default_language, t.preferred_provider,
        t.fallback_provider, t.webhook_url, t.business, t.created_at, t.updated_at
        """
}
