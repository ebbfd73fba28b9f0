public import Foundation
import PapoPostgres

extension TenantStore {
    /// Stores a tenant's sealed inbound-webhook secret, replacing the previous one.
    public func setInboundSecret(tenantID: UUID, sealed: Data, keyID: String, actor: String) async throws {
        try await pool.withTransaction { connection in
            try connection.query(
                "UPDATE tenants SET inbound_secret = \(sealed), inbound_secret_key_id = \(keyID) WHERE id = \(tenantID)"
            )
            try AuditLog.record(
                tenantID: tenantID, actor: actor, action: "tenant.inbound_secret.rotate", target: tenantID.uuidString,
                on: connection)
        }
    }

    /// The tenant with this client id and its sealed inbound secret, when it has one.
    public func inboundSecret(clientID: String) async throws -> (tenant: Tenant, sealed: Data, keyID: String)? {
        guard
            let row = try await pool.query(
                """
                SELECT \(fragment: Tenant.columns), inbound_secret, inbound_secret_key_id FROM tenants
                WHERE client_id = \(clientID) AND inbound_secret IS NOT NULL
                """
            ).first
        else { return nil }
        return (try Tenant(row: row), try row.decode("inbound_secret"), try row.decode("inbound_secret_key_id"))
    }
}
