import Foundation
import PapoCore
import PapoEngine
import PapoHTTP
import PapoLLM
import PapoPostgres
import PapoStore
import PapoTestKit
import Testing

@Suite("Per-tenant LLM endpoints and cost")
struct TenantLLMTests {
    static let yaml = """
        id: recepcao
        name: Recepção
        prompt:
          system: Você é {{agent.name}}.
        model:
          name: gpt-4o-mini
        offline:
          fallback: Já retorno.
        """

    @Test(
        "a tenant's own endpoint and sealed key answer its turns; others use the platform's, with cost from the price table"
    )
    func tenantEndpointAndCost() async throws {
        let harness = try await EngineHarness.make(tenantName: "Com modelo próprio")
        let (other, _) = try await TenantStore(pool: harness.pool).create(name: "Sem modelo próprio", actor: "test")
        let otherSession = try #require(
            try await SessionStore(pool: harness.pool).resolve(tenantID: other.id, name: nil))
        let platform = FakeLLMServer()
        let platformURL = try await platform.start()
        let own = FakeLLMServer()
        let ownURL = try await own.start()
        platform.enqueue(.text("Resposta da plataforma.", usage: (1_000, 500)))
        own.enqueue(.text("Resposta do modelo do cliente."))

        let box = try SecretBox(configuration: "k1:" + SecretBox.generateKey())
        let sealed = try box.seal(Data("sk-tenant-own-key".utf8))
        try await TenantStore(pool: harness.pool).setLLMSettings(
            tenantID: harness.tenant.id,
            overrides: ["base_url": .string(ownURL.absoluteString + "/v1"), "model": "llama-3.1-8b"],
            key: (sealed.ciphertext, sealed.keyID), clearKey: false, actor: "test")
        let http = HTTPClient()
        let clients = TenantLLMClients(
            defaultEndpoint: LLMEndpoint(
                baseURL: platformURL.absoluteString + "/v1", apiKey: "sk-platform", model: "gpt-4o-mini",
                prices: LLMPriceTable([
                    "gpt-4o-mini": .init(promptPerMillion: 0.15, completionPerMillion: 0.6)
                ])),
            tenants: TenantStore(pool: harness.pool), box: box, httpClient: http, retryPolicy: .never,
            allowInternalURLs: true, logger: TestDatabase.logger)
        let template = try EngineHarness.template(Self.yaml)
        let router = ConversationRouter(
            templates: { $0 == template.id ? template : nil }, defaultTemplateID: template.id)
        let runner = TurnRunner(
            store: harness.store, router: router, clients: clients, plugins: nil, logger: TestDatabase.logger)

        try await harness.inbound("Olá")
        let ownReport = try await runner.run(try await harness.claimOne())
        let message = MessageStore.NewInbound(
            tenantID: other.id, sessionID: otherSession.id, provider: otherSession.provider,
            providerMessageID: UUID().uuidString, customerNumber: "5511977776666", kind: .text,
            content: ["body": "Oi"], replyTo: nil, receivedAt: Date())
        try await harness.store.recordInbound(message, customerName: nil, debounce: .zero)
        let platformReport = try await runner.run(try await harness.claimOne())
        await http.shutdown()
        await platform.stop()
        await own.stop()

        #expect(ownReport.replies == ["Resposta do modelo do cliente."])
        #expect(platformReport.replies == ["Resposta da plataforma."])
        let ownRequest = try #require(own.requests.first)
        #expect(
            ownRequest.headers.first { $0.name.lowercased() == "authorization" }?.value == "Bearer sk-tenant-own-key")
        #expect(try JSONValue(parsing: String(decoding: ownRequest.body, as: UTF8.self))["model"] == "llama-3.1-8b")
        let platformRequest = try #require(platform.requests.first)
        #expect(
            platformRequest.headers.first { $0.name.lowercased() == "authorization" }?.value == "Bearer sk-platform")

        // 1,000 prompt tokens at 0.15 and 500 completion tokens at 0.6 per million.
        let cost = try await harness.pool.query(
            "SELECT cost::text AS cost, model FROM ai_usage WHERE tenant_id = \(other.id)"
        ).map { (try $0.decode("cost", as: String.self), try $0.decode("model", as: String.self)) }
        #expect(cost.count == 1)
        #expect(cost.first.map { Decimal(string: $0.0) } == Decimal(string: "0.00045"))
    }

    @Test("without a platform endpoint, only tenants with their own are answered by a model")
    func noPlatformEndpoint() async throws {
        let harness = try await EngineHarness.make()
        let http = HTTPClient()
        let clients = TenantLLMClients(
            defaultEndpoint: nil, tenants: TenantStore(pool: harness.pool), box: nil, httpClient: http,
            logger: TestDatabase.logger)
        #expect(try await clients.client(for: harness.tenant.id) == nil)
        let settings = TenantLLMSettings(
            overrides: ["base_url": "http://127.0.0.1:9/v1", "kind": "ollama"], sealedKey: nil, keyID: nil,
            updatedAt: Date())
        let endpoint = try #require(try clients.endpoint(for: settings))
        #expect(endpoint.baseURL == "http://127.0.0.1:9/v1")
        #expect(endpoint.apiKey == nil)
        await http.shutdown()
    }

    @Test("a tenant's base URL may not reach internal addresses unless allowed; the platform's always may")
    func tenantURLsStayOutside() async throws {
        let harness = try await EngineHarness.make()
        let platform = FakeLLMServer()
        let platformURL = try await platform.start()
        platform.enqueue(.text("Resposta da plataforma."))
        let own = FakeLLMServer()
        let ownURL = try await own.start()
        let http = HTTPClient()
        let clients = TenantLLMClients(
            defaultEndpoint: LLMEndpoint(baseURL: platformURL.absoluteString + "/v1", model: "gpt-4o-mini"),
            tenants: TenantStore(pool: harness.pool), box: nil, httpClient: http, retryPolicy: .never,
            refreshInterval: .zero, logger: TestDatabase.logger)
        let template = try EngineHarness.template(Self.yaml)
        let runner = TurnRunner(
            store: harness.store,
            router: ConversationRouter(
                templates: { $0 == template.id ? template : nil }, defaultTemplateID: template.id),
            clients: clients, plugins: nil, logger: TestDatabase.logger)

        // The platform's endpoint on loopback answers as usual.
        try await harness.inbound("Olá")
        #expect(try await runner.run(try await harness.claimOne()).replies == ["Resposta da plataforma."])

        // A tenant pointing its own endpoint at loopback is refused before anything is sent:
        // the turn is answered offline and the server there hears nothing.
        try await TenantStore(pool: harness.pool).setLLMSettings(
            tenantID: harness.tenant.id, overrides: ["base_url": .string(ownURL.absoluteString + "/v1")], key: nil,
            clearKey: false, actor: "test")
        try await harness.inbound("Tudo bem?")
        let report = try await runner.run(try await harness.claimOne())
        #expect(report.kind == .offline)
        #expect(own.requests.isEmpty)
        let error = try await harness.pool.query(
            "SELECT error FROM ai_usage WHERE tenant_id = \(harness.tenant.id) AND status = 'error'"
        ).first?.decode("error", as: String?.self)
        #expect(error?.contains("internal address") == true, "\(error ?? "no error recorded")")
        await http.shutdown()
        await platform.stop()
        await own.stop()
    }
}
