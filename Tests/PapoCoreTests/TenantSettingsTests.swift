import PapoCore
import Testing

@Suite("Tenant settings validation")
struct TenantSettingsTests {
    @Test("valid fields parse into an update")
    func valid() throws {
        let update = try TenantSettingsUpdate.parse([
            "name": .string("  Loja Azul "), "timezone": .string("Europe/Lisbon"),
            "default_language": .string("es-419"),
            "preferred_provider": .string("baileys"), "fallback_provider": .null,
            "webhook_url": .string("http://localhost:9000/hook"), "business": .object(["cnpj": .string("00.000")]),
        ]).get()
        #expect(update.name == "Loja Azul")
        #expect(update.timezone == "Europe/Lisbon")
        #expect(update.defaultLanguage == "es-419")
        #expect(update.preferredProvider == .baileys)
        #expect(update.fallbackProvider == .some(nil))
        #expect(update.webhookURL == .some("http://localhost:9000/hook"))
        #expect(update.business?["cnpj"] == .string("00.000"))
    }

    @Test(
        "each bad field is named",
        arguments: [
            ("timezone", JSONValue.string("Sao Paulo")), ("timezone", .number(3)), ("default_language", .string("p")),
            ("preferred_provider", .string("telegram")), ("webhook_url", .string("ftp://x.com/h")),
            ("webhook_url", .string("https://user:pw@x.com/h")), ("webhook_url", .string("http://example.com/h")),
            ("business", .array([])), ("name", .string("")), ("unexpected", .bool(true)),
        ])
    func invalid(field: String, value: JSONValue) {
        guard case .failure(let error) = TenantSettingsUpdate.parse([field: value]) else {
            Issue.record("\(field) = \(value) was accepted")
            return
        }
        #expect(error.fields.map(\.field) == [field])
    }

    @Test("oversized business data is refused")
    func businessLimit() {
        let big = JSONValue.string(String(repeating: "a", count: TenantSettingsUpdate.maxBusinessBytes))
        guard case .failure(let error) = TenantSettingsUpdate.parse(["business": .object(["blob": big])]) else {
            Issue.record("a 32 KiB business object was accepted")
            return
        }
        #expect(error.fields.first?.field == "business")
    }
}

@Suite("Identifiers and secrets")
struct SecretTokenTests {
    @Test("client ids are readable slugs with a random suffix")
    func clientIDs() {
        let id = SecretToken.clientID(forName: "Imobiliária São João & Filhos")
        #expect(id.hasPrefix("imobiliaria-sao-joao-filhos-"))
        #expect(id.count == "imobiliaria-sao-joao-filhos-".count + 6)
        #expect(SecretToken.clientID(forName: "!!!").hasPrefix("tenant-"))
        #expect(SecretToken.clientID(forName: "Acme") != SecretToken.clientID(forName: "Acme"))
    }

    @Test("API keys are long, prefixed and distinct")
    func apiKeys() {
        let keys = (0..<100).map { _ in SecretToken.apiKey() }
        #expect(Set(keys).count == 100)
        #expect(keys.allSatisfy { $0.hasPrefix("papo_") && $0.count == 48 })
        #expect(SecretToken.displayPrefix(of: keys[0]).count == 12)
    }
}
