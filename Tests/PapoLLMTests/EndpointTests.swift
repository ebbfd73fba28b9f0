import Foundation
import PapoCore
import PapoHTTP
import PapoLLM
import PapoTestKit
import Testing

/// Per-tenant endpoints derived from the default, and the cost and latency recorded per call.
@Suite struct EndpointTests {
    static let platform = LLMEndpoint(
        kind: .openAI, baseURL: "https://api.openai.com/v1", apiKey: "sk-platform-secret-0001", model: "gpt-4o-mini",
        extraHeaders: ["OpenAI-Organization": "org-papo"],
        prices: LLMPriceTable(["gpt-4o-mini": .init(promptPerMillion: 0.15, completionPerMillion: 0.60)]))

    @Test func modelOnlyOverrideKeepsServerKeyAndHeaders() {
        let tenant = Self.platform.applying(.init(model: "gpt-4.1-mini"))
        #expect(tenant.model == "gpt-4.1-mini")
        #expect(tenant.baseURL == "https://api.openai.com/v1")
        #expect(tenant.apiKey == "sk-platform-secret-0001")
        #expect(tenant.extraHeaders["OpenAI-Organization"] == "org-papo")
        #expect(tenant.prices == Self.platform.prices)
    }

    @Test func anotherServerNeverInheritsThePlatformKey() {
        let withoutKey = Self.platform.applying(.init(baseURL: "https://llm.tenant.example/v1"))
        #expect(withoutKey.baseURL == "https://llm.tenant.example/v1")
        #expect(withoutKey.apiKey == nil)
        #expect(withoutKey.hasAPIKey == false)
        #expect(withoutKey.extraHeaders.isEmpty)

        let withKey = Self.platform.applying(
            .init(baseURL: "https://llm.tenant.example/v1", apiKey: "tenant-key", extraHeaders: ["X-Team": "sales"]))
        #expect(withKey.apiKey == "tenant-key")
        #expect(withKey.extraHeaders["X-Team"] == "sales")
        #expect(withKey.extraHeaders["OpenAI-Organization"] == nil)

        // The same server spelled with a trailing slash is not "another server".
        let same = Self.platform.applying(.init(baseURL: "https://api.openai.com/v1/"))
        #expect(same.apiKey == "sk-platform-secret-0001")
    }

    @Test func overridesDecodeFromTenantSettingsJSON() throws {
        let json = #"""
            {"base_url":"https://papo.openai.azure.com","api_key":"azure-key","model":"gpt-4o","kind":"azure",
             "azure_deployment":"gpt4o-br","azure_api_version":"2024-06-01","max_tokens_field":"max_tokens"}
            """#
        let overrides = try JSONDecoder().decode(LLMEndpoint.Overrides.self, from: Data(json.utf8))
        let tenant = Self.platform.applying(overrides)
        #expect(tenant.kind == .azure)
        #expect(tenant.azureDeployment == "gpt4o-br")
        #expect(tenant.azureAPIVersion == "2024-06-01")
        #expect(tenant.maxTokensField == .maxTokens)
        #expect(tenant.apiKey == "azure-key")

        let kindOnly = Self.platform.applying(.init(kind: .llamaCpp))
        #expect(kindOnly.maxTokensField == .maxTokens)
        #expect(LLMEndpoint.Kind(name: "LLaMA.cpp") == .llamaCpp)
        #expect(LLMEndpoint.Kind(name: "lite-llm") == .liteLLM)
        #expect(LLMEndpoint.Kind(name: "bard") == nil)
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(LLMEndpoint.Overrides.self, from: Data(#"{"kind":"bard"}"#.utf8))
        }
    }

    @Test func pricesMatchExactlyOrByDatedVariant() throws {
        let table = LLMPriceTable([
            "gpt-4o": .init(promptPerMillion: 2.5, completionPerMillion: 10),
            "gpt-4o-mini": .init(promptPerMillion: 0.15, completionPerMillion: 0.6),
        ])
        let usage = LLMUsage(promptTokens: 2_000_000, completionTokens: 1_000_000)
        #expect(table.cost(of: usage, model: "gpt-4o") == Decimal(15))
        #expect(table.cost(of: usage, model: "gpt-4o-mini-2024-07-18") == Decimal(string: "0.9"))
        #expect(table.cost(of: usage, model: "gpt-4o-2024-08-06") == Decimal(15))
        #expect(table.cost(of: usage, model: "llama3.1") == nil)
        let decoded = try JSONDecoder().decode(
            LLMPriceTable.self,
            from: Data(#"{"qwen":{"prompt_per_million":0.1,"completion_per_million":0.2}}"#.utf8))
        #expect(decoded.price(for: "qwen")?.completionPerMillion == Decimal(string: "0.2"))
    }

    @Test func usageLatencyAndCostAreRecordedPerCall() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(
                FakeLLMServer.Reply.text("pronto", usage: (prompt: 1000, completion: 500))
                    .delayed(by: .milliseconds(150)))
            var endpoint = fake.endpoint()
            endpoint.prices = Self.platform.prices
            let completion = try await fake.client(endpoint).complete(.question())

            #expect(completion.usage == LLMUsage(promptTokens: 1000, completionTokens: 500, totalTokens: 1500))
            // 1000 × 0.15 / 1M + 500 × 0.60 / 1M
            #expect(completion.cost == Decimal(string: "0.00045"))
            #expect(completion.latency >= .milliseconds(150))
            #expect(completion.totalDuration >= completion.latency)
            #expect(completion.attempts == 1)
            #expect(completion.timeToFirstToken == nil)
        }
    }
}
