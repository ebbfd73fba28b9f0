import Foundation
import PapoCore
import PapoHTTP
import PapoLLM
import PapoTestKit
import Testing

/// What goes on the wire: body fields, paths and authentication per server kind.
@Suite struct RequestEncodingTests {
    static let searchTool = ToolDefinition(
        name: "search_listings", description: "Search listings",
        parameters: [
            "type": "object",
            "properties": ["district": ["type": "string"], "max_rent": ["type": "number", "minimum": 0]],
            "required": ["district"],
        ])

    @Test func bodyCarriesMessagesToolsAndOptionsInTheReferenceShape() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(.text("Here are two options."))
            let call = ToolCall(id: "call_1", name: "search_listings", arguments: #"{"district":"Pinheiros"}"#)
            let request = LLMRequest(
                messages: [
                    .system("You are a real-estate agent."),
                    .user("2-bedroom in Pinheiros under 4000?"),
                    .assistant(nil, toolCalls: [call]),
                    .tool(callID: "call_1", content: #"[{"id":7,"rent":3900}]"#),
                ],
                tools: [Self.searchTool], toolChoice: .auto, parallelToolCalls: true, temperature: 0.2,
                maxTokens: 512, user: "tenant42:5511999990000")
            _ = try await fake.client().complete(request)

            let recorded = try #require(fake.server.requests.first)
            #expect(recorded.method == "POST")
            #expect(recorded.path == "/v1/chat/completions")
            #expect(recorded.header("Content-Type") == "application/json")
            #expect(recorded.header("Authorization") == "Bearer \(FakeLLMHarness.apiKey)")
            #expect(recorded.header("api-key") == nil)

            let body = try fake.body(0)
            #expect(body["model"] == "gpt-4o-mini")
            #expect(body["user"] == "tenant42:5511999990000")
            #expect(body["temperature"] == 0.2)
            #expect(body["max_completion_tokens"] == 512)
            #expect(body["max_tokens"] == nil)
            #expect(body["stream"] == false)
            #expect(body["stream_options"] == nil)
            #expect(body["tool_choice"] == "auto")
            #expect(body["parallel_tool_calls"] == true)

            let messages = try #require(body["messages"]?.arrayValue)
            #expect(messages.count == 4)
            #expect(messages[0] == ["role": "system", "content": "You are a real-estate agent."])
            #expect(messages[1] == ["role": "user", "content": "2-bedroom in Pinheiros under 4000?"])
            #expect(
                messages[2] == [
                    "role": "assistant", "content": nil,
                    "tool_calls": [
                        [
                            "id": "call_1", "type": "function",
                            "function": ["name": "search_listings", "arguments": #"{"district":"Pinheiros"}"#],
                        ]
                    ],
                ])
            #expect(
                messages[3] == ["role": "tool", "tool_call_id": "call_1", "content": #"[{"id":7,"rent":3900}]"#])

            #expect(
                body["tools"] == [
                    [
                        "type": "function",
                        "function": [
                            "name": "search_listings", "description": "Search listings",
                            "parameters": [
                                "type": "object",
                                "properties": [
                                    "district": ["type": "string"], "max_rent": ["type": "number", "minimum": 0],
                                ],
                                "required": ["district"],
                            ],
                        ],
                    ]
                ])
            // Integers in a schema stay integers on the wire.
            #expect(recorded.bodyText.contains(#""minimum":0"#))
        }
    }

    @Test func toolChoiceShapes() async throws {
        try await FakeLLMHarness.with { fake in
            let client = fake.client()
            let choices: [ToolChoice] = [.none, .required, .function("search_listings")]
            for choice in choices {
                fake.server.enqueue(.text("ok"))
                var request = LLMRequest.question()
                request.tools = [Self.searchTool]
                request.toolChoice = choice
                _ = try await client.complete(request)
            }
            // Without tools, tool_choice and parallel_tool_calls are left out: OpenAI rejects them.
            fake.server.enqueue(.text("ok"))
            var bare = LLMRequest.question()
            bare.toolChoice = .required
            bare.parallelToolCalls = false
            _ = try await client.complete(bare)

            #expect(try fake.body(0)["tool_choice"] == "none")
            #expect(try fake.body(1)["tool_choice"] == "required")
            #expect(
                try fake.body(2)["tool_choice"] == ["type": "function", "function": ["name": "search_listings"]])
            #expect(try fake.body(3)["tools"] == nil)
            #expect(try fake.body(3)["tool_choice"] == nil)
            #expect(try fake.body(3)["parallel_tool_calls"] == nil)
        }
    }

    @Test func maxTokensFieldFollowsTheServerKind() async throws {
        try await FakeLLMHarness.with { fake in
            let cases: [(LLMEndpoint.Kind, String)] = [
                (.openAI, "max_completion_tokens"), (.vLLM, "max_completion_tokens"), (.llamaCpp, "max_tokens"),
                (.ollama, "max_tokens"), (.liteLLM, "max_tokens"),
            ]
            var request = LLMRequest.question()
            request.maxTokens = 256
            for (kind, _) in cases {
                fake.server.enqueue(.text("ok"))
                _ = try await fake.client(fake.endpoint(kind: kind)).complete(request)
            }
            var explicit = fake.endpoint(kind: .openAI)
            explicit.maxTokensField = .maxTokens
            fake.server.enqueue(.text("ok"))
            _ = try await fake.client(explicit).complete(request)

            for (index, (kind, field)) in cases.enumerated() {
                let body = try fake.body(index)
                let other = field == "max_tokens" ? "max_completion_tokens" : "max_tokens"
                #expect(body[field] == 256, "kind \(kind)")
                #expect(body[other] == nil, "kind \(kind)")
                #expect(fake.server.requests[index].path == "/v1/chat/completions")
                #expect(fake.server.requests[index].header("Authorization") == "Bearer \(FakeLLMHarness.apiKey)")
            }
            #expect(try fake.body(cases.count)["max_tokens"] == 256)
            #expect(try fake.body(cases.count)["max_completion_tokens"] == nil)
        }
    }

    @Test func azureUsesApiKeyHeaderVersionQueryAndDeploymentPath() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(.text("Olá!"))
            var endpoint = fake.endpoint(kind: .azure, model: "gpt-4o")
            endpoint.azureDeployment = "papo-gpt4o prod"
            endpoint.azureAPIVersion = "2024-10-21"
            let completion = try await fake.client(endpoint).complete(.question())

            let recorded = try #require(fake.server.requests.first)
            #expect(recorded.path == "/openai/deployments/papo-gpt4o%20prod/chat/completions")
            #expect(recorded.deployment == "papo-gpt4o%20prod")
            #expect(recorded.queryItem("api-version") == "2024-10-21")
            #expect(recorded.header("api-key") == FakeLLMHarness.apiKey)
            #expect(recorded.header("Authorization") == nil)
            #expect(try fake.body(0)["max_completion_tokens"] == nil)
            #expect(completion.content == "Olá!")
        }
    }

    @Test func localServerWithoutKeySendsNoCredentialsButSendsExtraHeaders() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(.text("ok"))
            var endpoint = fake.endpoint(kind: .llamaCpp, apiKey: nil, model: "qwen2.5-7b-instruct")
            endpoint.extraHeaders = ["X-Papo-Tenant": "tenant42"]
            _ = try await fake.client(endpoint).complete(.question())

            let recorded = try #require(fake.server.requests.first)
            #expect(recorded.header("Authorization") == nil)
            #expect(recorded.header("api-key") == nil)
            #expect(recorded.header("X-Papo-Tenant") == "tenant42")
            #expect(try fake.body(0)["model"] == "qwen2.5-7b-instruct")
        }
    }

    @Test func perCallModelAndExtraFieldsReachTheBody() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(.text("ok"))
            var request = LLMRequest.question()
            request.model = "gpt-4.1-mini"
            request.stop = ["\n\n"]
            request.responseFormat = ["type": "json_object"]
            request.extraFields = ["top_k": 20, "temperature": 0.7]
            request.temperature = 0.1
            let completion = try await fake.client().complete(request)

            let body = try fake.body(0)
            #expect(body["model"] == "gpt-4.1-mini")
            #expect(body["stop"] == ["\n\n"])
            #expect(body["response_format"] == ["type": "json_object"])
            #expect(body["top_k"] == 20)
            // An extra field replaces the standard one rather than duplicating the key.
            #expect(body["temperature"] == 0.7)
            #expect(fake.server.requests[0].bodyText.components(separatedBy: "\"temperature\"").count == 2)
            #expect(completion.model == "gpt-4.1-mini")
        }
    }
}
