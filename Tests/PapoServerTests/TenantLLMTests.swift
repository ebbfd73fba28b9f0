import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PapoPostgres
import PapoServer
import PapoStore
import PapoTestKit
import Testing

@Suite("Tenant LLM endpoint API")
struct TenantLLMAPITests {
    @Test("a tenant sets, reads and clears its own endpoint; the key is sealed and never returned")
    func setReadClear() async throws {
        let app = try TestApp()
        let box = try SecretBox(configuration: "k1:" + SecretBox.generateKey())
        let router = PapoRouter.make(
            .init(pool: app.pool, migrator: app.migrator, adminKey: TestApp.adminKey, secretBox: box))
        try await Application(router: router, logger: TestDatabase.logger).test(.router) { client in
            let tenant = try await client.createTenant("Modelo próprio")
            let bad = try await client.execute(
                uri: "/api/v1/tenant/llm", method: .put, headers: tenant.headers,
                body: .json(["base_url": "ftp://x", "kind": "gpt", "temperature": 1]))
            #expect(bad.status == .unprocessableContent)
            let fields = ((try bad.json()["error"] as? [String: Any])?["fields"] as? [[String: Any]] ?? [])
                .compactMap { $0["field"] as? String }
            #expect(fields == ["temperature", "base_url", "kind"])

            let set = try await client.execute(
                uri: "/api/v1/tenant/llm", method: .put, headers: tenant.headers,
                body: .json([
                    "base_url": "https://llm.example.com/v1", "model": "qwen2.5-7b", "kind": "vllm",
                    "api_key": "sk-very-secret-tenant-key",
                ]))
            #expect(set.status == .ok)
            let text = String(buffer: set.body)
            #expect(!text.contains("sk-very-secret"))
            #expect(try set.json()["api_key_set"] as? Bool == true)
            #expect((try set.json()["overrides"] as? [String: Any])?["model"] as? String == "qwen2.5-7b")

            let raw = try await app.pool.query(
                "SELECT llm_api_key, llm_api_key_id FROM tenants WHERE client_id = \(tenant.clientID)"
            ).first!
            let sealed = try raw.decode("llm_api_key", as: Data.self)
            #expect(sealed.range(of: Data("sk-very-secret".utf8)) == nil)
            #expect(
                String(decoding: try box.open(sealed, keyID: try raw.decode("llm_api_key_id")), as: UTF8.self)
                    == "sk-very-secret-tenant-key")

            // Changing the model keeps the key; a null key removes it; DELETE clears everything.
            let modelOnly = try await client.execute(
                uri: "/api/v1/tenant/llm", method: .put, headers: tenant.headers,
                body: .json(["base_url": "https://llm.example.com/v1", "model": "qwen2.5-14b"]))
            #expect(try modelOnly.json()["api_key_set"] as? Bool == true)
            let cleared = try await client.execute(
                uri: "/api/v1/tenant/llm", method: .put, headers: tenant.headers,
                body: .json(["base_url": "https://llm.example.com/v1", "api_key": NSNull()]))
            #expect(try cleared.json()["api_key_set"] as? Bool == false)
            let deleted = try await client.execute(uri: "/api/v1/tenant/llm", method: .delete, headers: tenant.headers)
            #expect(deleted.status == .noContent)
            let read = try await client.execute(uri: "/api/v1/tenant/llm", method: .get, headers: tenant.headers)
            #expect((try read.json()["overrides"] as? [String: Any])?.isEmpty == true)
        }
    }

    @Test("without an encryption key the server refuses to store an api_key")
    func noBox() async throws {
        let app = try TestApp()
        try await app.run { client in
            let tenant = try await client.createTenant("Sem cofre")
            let response = try await client.execute(
                uri: "/api/v1/tenant/llm", method: .put, headers: tenant.headers,
                body: .json(["base_url": "https://llm.example.com/v1", "api_key": "sk-x"]))
            #expect(response.status == .serviceUnavailable)
        }
    }
}
