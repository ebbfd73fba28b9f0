import Foundation
import PapoCore
import PapoPostgres
import PapoStore
import PapoTestKit
import Testing

@Suite("Tenant and key store")
struct TenantStoreTests {
    let pool: PostgresPool
    let tenants: TenantStore
    let keys: APIKeyStore

    init() throws {
        pool = try TestDatabase.makePool(maxConnections: 4)
        tenants = TenantStore(pool: pool)
        keys = APIKeyStore(pool: pool)
    }

    @Test("creating a tenant issues a working key and writes an audit entry in the same transaction")
    func createAndAuthenticate() async throws {
        var settings = TenantSettingsUpdate()
        settings.timezone = "America/Manaus"
        let (tenant, key) = try await tenants.create(name: "Store Test", settings: settings, actor: "test")
        #expect(tenant.timezone == "America/Manaus")
        #expect(tenant.status == .active)
        #expect(try await keys.authenticate(secret: key.secret) == .tenant(tenant, keyID: key.record.id))
        #expect(try await keys.authenticate(secret: key.secret + "x") == .invalid)
        let audit = try await pool.query(
            "SELECT action, actor FROM audit_log WHERE tenant_id = \(tenant.id) ORDER BY id")
        #expect(try audit.map { try $0.decode("action", as: String.self) } == ["tenant.create"])
    }

    @Test("revoking or rotating only touches the named tenant's keys")
    func keyScoping() async throws {
        let (alpha, alphaKey) = try await tenants.create(name: "Alpha", actor: "test")
        let (beta, betaKey) = try await tenants.create(name: "Beta", actor: "test")
        // Beta cannot revoke Alpha's key by id.
        #expect(try await keys.revoke(tenantID: beta.id, keyID: alphaKey.record.id, actor: "test") == false)
        #expect(try await keys.authenticate(secret: alphaKey.secret) != .invalid)
        // Rotating Alpha leaves Beta's key alone.
        _ = try await keys.rotate(tenantID: alpha.id, name: "next", grace: .zero, actor: "test")
        #expect(try await keys.authenticate(secret: alphaKey.secret) == .invalid)
        #expect(try await keys.authenticate(secret: betaKey.secret) == .tenant(beta, keyID: betaKey.record.id))
        #expect(try await keys.list(tenantID: alpha.id).count == 2)
        #expect(try await keys.list(tenantID: beta.id).count == 1)
    }

    @Test("settings updates change only what was sent")
    func partialUpdate() async throws {
        let (tenant, _) = try await tenants.create(name: "Partial", actor: "test")
        var update = TenantSettingsUpdate()
        update.fallbackProvider = .some(.meta)
        update.business = ["slogan": .string("o melhor")]
        let updated = try await tenants.updateSettings(tenantID: tenant.id, update, actor: "test")
        #expect(updated.fallbackProvider == .meta)
        #expect(updated.name == "Partial")
        #expect(updated.business == ["slogan": .string("o melhor")])
        var clear = TenantSettingsUpdate()
        clear.fallbackProvider = .some(nil)
        let cleared = try await tenants.updateSettings(tenantID: tenant.id, clear, actor: "test")
        #expect(cleared.fallbackProvider == nil)
        #expect(cleared.business == ["slogan": .string("o melhor")])
    }
}
