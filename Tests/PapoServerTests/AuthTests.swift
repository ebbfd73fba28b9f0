import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PapoPostgres
import PapoServer
import Testing

@Suite("Tenancy and authentication")
struct AuthTests {
    let app: TestApp

    init() throws {
        app = try TestApp()
    }

    @Test("the auth matrix: missing, wrong, other tenant's, admin, suspended, revoked")
    func authMatrix() async throws {
        try await app.run { client in
            let alpha = try await client.createTenant("Alpha Imóveis")
            let beta = try await client.createTenant("Beta Suporte")
            let settings = "/api/v1/tenant/settings"

            // The tenant's own key: allowed.
            let own = try await client.execute(uri: settings, method: .get, headers: alpha.headers)
            #expect(own.status == .ok)
            #expect(try own.json()["client_id"] as? String == alpha.clientID)

            // No client id, no key, a malformed header, an unknown key.
            let noClient = try await client.execute(
                uri: settings, method: .get, headers: [.authorization: "Bearer \(alpha.key)"])
            #expect(noClient.status == .unauthorized)
            #expect(try noClient.errorCode() == "missing_client_id")
            let noKey = try await client.execute(uri: settings, method: .get, headers: [.clientID: alpha.clientID])
            #expect(noKey.status == .unauthorized)
            #expect(try noKey.errorCode() == "missing_api_key")
            let basic = try await client.execute(
                uri: settings, method: .get, headers: [.clientID: alpha.clientID, .authorization: "Basic Zm9vOmJhcg=="])
            #expect(basic.status == .unauthorized)
            let wrong = try await client.execute(
                uri: settings, method: .get,
                headers: [.clientID: alpha.clientID, .authorization: "Bearer papo_not_a_real_key"])
            #expect(wrong.status == .unauthorized)
            #expect(try wrong.errorCode() == "invalid_api_key")

            // Beta's valid key presented for Alpha: forbidden, not unauthorised.
            let crossed = try await client.execute(
                uri: settings, method: .get, headers: [.clientID: alpha.clientID, .authorization: "Bearer \(beta.key)"])
            #expect(crossed.status == .forbidden)
            #expect(try crossed.errorCode() == "wrong_tenant")

            // The admin key opens tenant routes; a tenant key never opens admin routes.
            let asAdmin = try await client.execute(
                uri: settings, method: .get,
                headers: [.clientID: beta.clientID, .authorization: "Bearer \(TestApp.adminKey)"])
            #expect(asAdmin.status == .ok)
            #expect(try asAdmin.json()["client_id"] as? String == beta.clientID)
            let tenantOnAdmin = try await client.execute(
                uri: "/api/v1/admin/tenants", method: .get, headers: [.authorization: "Bearer \(alpha.key)"])
            #expect(tenantOnAdmin.status == .unauthorized)
            #expect(try tenantOnAdmin.errorCode() == "invalid_admin_key")

            // Suspended: the right key is refused with 403 until the tenant is resumed.
            let suspend = try await client.execute(
                uri: "/api/v1/admin/tenants/\(alpha.clientID)/suspend", method: .post, headers: TestApp.adminHeaders)
            #expect(try suspend.json()["status"] as? String == "suspended")
            let suspended = try await client.execute(uri: settings, method: .get, headers: alpha.headers)
            #expect(suspended.status == .forbidden)
            #expect(try suspended.errorCode() == "tenant_suspended")
            _ = try await client.execute(
                uri: "/api/v1/admin/tenants/\(alpha.clientID)/resume", method: .post, headers: TestApp.adminHeaders)
            #expect(try await client.execute(uri: settings, method: .get, headers: alpha.headers).status == .ok)

            // Revoked: refused from the next request on.
            let revoke = try await client.execute(
                uri: "/api/v1/admin/tenants/\(alpha.clientID)/keys/\(alpha.keyID)", method: .delete,
                headers: TestApp.adminHeaders)
            #expect(revoke.status == .noContent)
            let revoked = try await client.execute(uri: settings, method: .get, headers: alpha.headers)
            #expect(revoked.status == .unauthorized)
            #expect(try revoked.errorCode() == "invalid_api_key")
            // Revoking again is a 404: there is no live key with that id any more.
            let again = try await client.execute(
                uri: "/api/v1/admin/tenants/\(alpha.clientID)/keys/\(alpha.keyID)", method: .delete,
                headers: TestApp.adminHeaders)
            #expect(again.status == .notFound)
        }
    }

    @Test("rotation: a grace period keeps the old key working; without one it stops at once")
    func rotation() async throws {
        try await app.run { client in
            let tenant = try await client.createTenant("Rotating Co")
            let rotateURI = "/api/v1/admin/tenants/\(tenant.clientID)/keys/rotate"
            let graceful = try await client.execute(
                uri: rotateURI, method: .post, headers: TestApp.adminHeaders, body: .json(["grace_seconds": 3600]))
            #expect(graceful.status == .created)
            let second = try #require(try graceful.json()["key"] as? String)
            var secondHeaders = tenant.headers
            secondHeaders[.authorization] = "Bearer \(second)"
            let settings = "/api/v1/tenant/settings"
            #expect(try await client.execute(uri: settings, method: .get, headers: tenant.headers).status == .ok)
            #expect(try await client.execute(uri: settings, method: .get, headers: secondHeaders).status == .ok)

            let immediate = try await client.execute(
                uri: rotateURI, method: .post, headers: TestApp.adminHeaders, body: .json(["grace_seconds": 0]))
            let third = try #require(try immediate.json()["key"] as? String)
            var thirdHeaders = tenant.headers
            thirdHeaders[.authorization] = "Bearer \(third)"
            #expect(
                try await client.execute(uri: settings, method: .get, headers: tenant.headers).status == .unauthorized)
            #expect(
                try await client.execute(uri: settings, method: .get, headers: secondHeaders).status == .unauthorized)
            #expect(try await client.execute(uri: settings, method: .get, headers: thirdHeaders).status == .ok)

            // The listing shows every key with its prefix, never a secret.
            let listing = try await client.execute(
                uri: "/api/v1/admin/tenants/\(tenant.clientID)/keys", method: .get, headers: TestApp.adminHeaders)
            let text = String(buffer: listing.body)
            #expect(!text.contains(third) && !text.contains(tenant.key))
            let keys = try #require(try listing.json()["keys"] as? [[String: Any]])
            #expect(keys.count == 3)
            #expect(keys.filter { $0["active"] as? Bool == true }.count == 1)

            let badGrace = try await client.execute(
                uri: rotateURI, method: .post, headers: TestApp.adminHeaders, body: .json(["grace_seconds": -5]))
            #expect(badGrace.status == .unprocessableContent)
        }
    }

    @Test("keys are stored only as SHA-256 digests")
    func keysStoredHashed() async throws {
        let tenant = try await app.run { client in try await client.createTenant("Hash Check") }
        let rows = try await app.pool.query(
            "SELECT k.key_hash, k.prefix FROM api_keys k JOIN tenants t ON t.id = k.tenant_id WHERE t.client_id = \(tenant.clientID)"
        )
        let row = try #require(rows.first)
        #expect(try row.decode("key_hash", as: Data.self) == Data(SHA256.hash(data: Data(tenant.key.utf8))))
        #expect(tenant.key.hasPrefix(try row.decode("prefix", as: String.self)))
        let dump = try await app.pool.query(
            "SELECT count(*) AS n FROM api_keys WHERE prefix = \(tenant.key) OR name = \(tenant.key)")
        #expect(try dump.first?.decode("n", as: Int.self) == 0)
    }

    @Test("the admin API is closed when no admin key is configured")
    func adminDisabled() async throws {
        let closed = try TestApp(adminKey: nil)
        try await closed.run { client in
            let response = try await client.execute(
                uri: "/api/v1/admin/tenants", method: .post, headers: TestApp.adminHeaders, body: .json(["name": "X"]))
            #expect(response.status == .forbidden)
            #expect(try response.errorCode() == "admin_disabled")
        }
    }
}
