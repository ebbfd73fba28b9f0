import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PapoServer
import Testing

@Suite("Tenant settings")
struct SettingsTests {
    let app: TestApp

    init() throws {
        app = try TestApp()
    }

    @Test("every invalid field is reported by name, and nothing is written")
    func validation() async throws {
        try await app.run { client in
            let tenant = try await client.createTenant("Validação Ltda")
            let response = try await client.execute(
                uri: "/api/v1/tenant/settings", method: .put, headers: tenant.headers,
                body: .json([
                    "timezone": "Mars/Olympus", "preferred_provider": "telegram",
                    "webhook_url": "http://example.com/hook",
                    "default_language": "portuguese!", "business": "not an object", "name": "", "colour": "blue",
                ]))
            #expect(response.status == .unprocessableContent)
            #expect(try response.errorCode() == "validation_failed")
            let error = try #require(try response.json()["error"] as? [String: Any])
            let fields = try #require(error["fields"] as? [[String: String]]).compactMap { $0["field"] }
            #expect(
                Set(fields) == [
                    "timezone", "preferred_provider", "webhook_url", "default_language", "business", "name", "colour",
                ])
            let unchanged = try await client.execute(
                uri: "/api/v1/tenant/settings", method: .get, headers: tenant.headers)
            #expect(try unchanged.json()["timezone"] as? String == "America/Sao_Paulo")
            #expect(try unchanged.json()["name"] as? String == "Validação Ltda")
        }
    }

    @Test("a valid update is stored; business data keeps its own keys; null clears optional fields")
    func update() async throws {
        try await app.run { client in
            let tenant = try await client.createTenant("Sol Imóveis")
            let response = try await client.execute(
                uri: "/api/v1/tenant/settings", method: .put, headers: tenant.headers,
                body: .json([
                    "name": "Sol Imóveis Recife", "timezone": "America/Recife", "default_language": "pt-BR",
                    "preferred_provider": "meta", "fallback_provider": "sandbox",
                    "webhook_url": "https://hooks.example.com/papo",
                    "business": [
                        "openingHours": "seg–sex 9h–18h", "creci": "12345-J", "bairros": ["Boa Viagem", "Pina"],
                    ],
                ]))
            #expect(response.status == .ok)
            let read = try await client.execute(uri: "/api/v1/tenant/settings", method: .get, headers: tenant.headers)
            let body = try read.json()
            #expect(body["name"] as? String == "Sol Imóveis Recife")
            #expect(body["timezone"] as? String == "America/Recife")
            #expect(body["preferred_provider"] as? String == "meta")
            #expect(body["fallback_provider"] as? String == "sandbox")
            #expect(body["webhook_url"] as? String == "https://hooks.example.com/papo")
            let business = try #require(body["business"] as? [String: Any])
            #expect(business["openingHours"] as? String == "seg–sex 9h–18h")
            #expect(business["bairros"] as? [String] == ["Boa Viagem", "Pina"])

            let cleared = try await client.execute(
                uri: "/api/v1/tenant/settings", method: .put, headers: tenant.headers,
                body: .json(["fallback_provider": NSNull(), "webhook_url": NSNull()]))
            #expect(cleared.status == .ok)
            let after = try cleared.json()
            #expect(after["fallback_provider"] == nil)
            #expect(after["webhook_url"] == nil)
            #expect(after["timezone"] as? String == "America/Recife")

            let same = try await client.execute(
                uri: "/api/v1/tenant/settings", method: .put, headers: tenant.headers,
                body: .json(["fallback_provider": "meta"]))
            #expect(same.status == .unprocessableContent)
        }
    }

    @Test("tenant A can never read or change tenant B's settings")
    func isolation() async throws {
        try await app.run { client in
            let alpha = try await client.createTenant("Alpha")
            let beta = try await client.createTenant("Beta")
            var crossed = alpha.headers
            crossed[.clientID] = beta.clientID
            let read = try await client.execute(uri: "/api/v1/tenant/settings", method: .get, headers: crossed)
            #expect(read.status == .forbidden)
            #expect(!String(buffer: read.body).contains("Beta\""))
            let write = try await client.execute(
                uri: "/api/v1/tenant/settings", method: .put, headers: crossed, body: .json(["name": "Hacked"]))
            #expect(write.status == .forbidden)

            // Alpha's own update touches only Alpha.
            let own = try await client.execute(
                uri: "/api/v1/tenant/settings", method: .put, headers: alpha.headers, body: .json(["name": "Alpha 2"]))
            #expect(own.status == .ok)
            let betaView = try await client.execute(uri: "/api/v1/tenant/settings", method: .get, headers: beta.headers)
            #expect(try betaView.json()["name"] as? String == "Beta")
        }
    }

    @Test("provider-switch changes the preferred and fallback provider and rejects other fields")
    func providerSwitch() async throws {
        try await app.run { client in
            let tenant = try await client.createTenant("Troca")
            let switched = try await client.execute(
                uri: "/api/v1/tenant/provider-switch", method: .post, headers: tenant.headers,
                body: .json(["preferred_provider": "baileys", "fallback_provider": "sandbox"]))
            #expect(switched.status == .ok)
            #expect(try switched.json()["preferred_provider"] as? String == "baileys")
            #expect(try switched.json()["fallback_provider"] as? String == "sandbox")
            let missing = try await client.execute(
                uri: "/api/v1/tenant/provider-switch", method: .post, headers: tenant.headers,
                body: .json(["fallback_provider": "meta"]))
            #expect(missing.status == .unprocessableContent)
            let extra = try await client.execute(
                uri: "/api/v1/tenant/provider-switch", method: .post, headers: tenant.headers,
                body: .json(["preferred_provider": "meta", "name": "sneaky"]))
            #expect(extra.status == .unprocessableContent)
            let read = try await client.execute(uri: "/api/v1/tenant/settings", method: .get, headers: tenant.headers)
            #expect(try read.json()["name"] as? String == "Troca")
        }
    }
}
