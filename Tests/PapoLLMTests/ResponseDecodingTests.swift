import Foundation
import PapoCore
import PapoLLM
import PapoTestKit
import Testing

/// What comes back: text, tool calls in both argument forms, and tolerated omissions.
@Suite struct ResponseDecodingTests {
    @Test func textReplyCarriesContentFinishReasonUsageAndIds() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(.text("Tenho dois apartamentos em Pinheiros.", usage: (prompt: 112, completion: 24)))
            let completion = try await fake.client().complete(.question())

            #expect(completion.content == "Tenho dois apartamentos em Pinheiros.")
            #expect(completion.message.role == .assistant)
            #expect(completion.toolCalls.isEmpty)
            #expect(completion.finishReason == .stop)
            #expect(completion.usage == LLMUsage(promptTokens: 112, completionTokens: 24, totalTokens: 136))
            #expect(completion.id == "chatcmpl-fake-1")
            #expect(completion.model == "gpt-4o-mini")
            #expect(completion.attempts == 1)
        }
    }

    @Test func toolCallWithStringArgumentsIsDecoded() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(
                .toolCalls([
                    .init(
                        id: "call_1", name: "search_listings", arguments: #"{"district":"Pinheiros","max_rent":4000}"#),
                    .init(id: "call_2", name: "get_weather", arguments: #"{"city":"São Paulo"}"#),
                ]))
            let completion = try await fake.client().complete(.question())

            #expect(completion.content == nil)
            #expect(completion.finishReason == .toolCalls)
            #expect(completion.toolCalls.map(\.id) == ["call_1", "call_2"])
            #expect(completion.toolCalls.map(\.name) == ["search_listings", "get_weather"])
            #expect(completion.toolCalls[0].arguments == #"{"district":"Pinheiros","max_rent":4000}"#)
            #expect(try completion.toolCalls[0].parsedArguments() == ["district": "Pinheiros", "max_rent": 4000])
            #expect(try completion.toolCalls[1].parsedArguments()["city"] == "São Paulo")
        }
    }

    @Test func toolCallWithObjectArgumentsDecodesToTheSameArguments() async throws {
        try await FakeLLMHarness.with { fake in
            // Spaces survive only in the string form, which tells the two forms apart.
            let arguments = #"{"district": "Pinheiros", "filters": {"bedrooms": 2, "pets": true}, "max_rent": 4000.5}"#
            fake.server.enqueue(.toolCall(id: "call_9", name: "search_listings", arguments: arguments))
            fake.server.enqueue(
                .toolCall(id: "call_9", name: "search_listings", arguments: arguments).argumentsAsJSONObject())
            let client = fake.client()
            let standard = try await client.complete(.question())
            let objectForm = try await client.complete(.question())

            #expect(standard.toolCalls[0].arguments == arguments)
            #expect(
                objectForm.toolCalls[0].arguments
                    == #"{"district":"Pinheiros","filters":{"bedrooms":2,"pets":true},"max_rent":4000.5}"#)
            #expect(objectForm.toolCalls[0].id == "call_9")
            #expect(objectForm.toolCalls[0].name == "search_listings")
            #expect(try objectForm.toolCalls[0].parsedArguments() == standard.toolCalls[0].parsedArguments())
            #expect(
                try objectForm.toolCalls[0].parsedArguments() == [
                    "district": "Pinheiros", "filters": ["bedrooms": 2, "pets": true], "max_rent": 4000.5,
                ])
        }
    }

    @Test func replyRoundTripsIntoTheNextTurnVerbatim() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(
                .toolCall(id: "call_1", name: "search_listings", arguments: #"{"district":"Pinheiros"}"#))
            fake.server.enqueue(.text("Found one at R$ 3.900."))
            let client = fake.client()
            var request = LLMRequest.question()
            request.tools = [RequestEncodingTests.searchTool]
            let first = try await client.complete(request)
            request.messages.append(first.message)
            request.messages.append(.tool(callID: first.toolCalls[0].id, content: #"[{"rent":3900}]"#))
            let second = try await client.complete(request)

            let sent = try #require(try fake.body(1)["messages"]?.arrayValue)
            #expect(
                sent[2] == [
                    "role": "assistant", "content": nil,
                    "tool_calls": [
                        [
                            "id": "call_1", "type": "function",
                            "function": ["name": "search_listings", "arguments": #"{"district":"Pinheiros"}"#],
                        ]
                    ],
                ])
            #expect(sent[3] == ["role": "tool", "tool_call_id": "call_1", "content": #"[{"rent":3900}]"#])
            #expect(second.content == "Found one at R$ 3.900.")
        }
    }

    @Test func omittedFieldsAndNullContentAreTolerated() async throws {
        try await FakeLLMHarness.with { fake in
            // No id, model, usage, role or finish_reason; a tool call without an id; null usage.
            fake.server.enqueue(
                FakeLLMServer.Reply(
                    content: .raw(contentType: "application/json", body: #"{"choices":[{"message":{"content":"oi"}}]}"#)
                ),
                FakeLLMServer.Reply(
                    content: .raw(
                        contentType: "application/json",
                        body:
                            #"{"choices":[{"message":{"role":"assistant","content":null,"tool_calls":[{"type":"function","function":{"name":"handoff","arguments":null}}]},"finish_reason":"tool_calls"}],"usage":null}"#
                    )),
                FakeLLMServer.Reply.text("no usage here", usage: nil))
            let client = fake.client()
            let bare = try await client.complete(.question())
            let idless = try await client.complete(.question())
            let noUsage = try await client.complete(.question())

            #expect(bare.content == "oi")
            #expect(bare.message.role == .assistant)
            #expect(bare.id == nil)
            #expect(bare.model == "gpt-4o-mini")
            #expect(bare.finishReason == nil)
            #expect(bare.usage == nil)
            #expect(idless.content == nil)
            #expect(idless.toolCalls == [ToolCall(id: "call_0", name: "handoff", arguments: "{}")])
            #expect(noUsage.content == "no usage here")
            #expect(noUsage.usage == nil)
            #expect(noUsage.cost == nil)
        }
    }

    @Test func bodyThatIsNotACompletionIsMalformed() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(
                FakeLLMServer.Reply(content: .raw(contentType: "text/html", body: "<html>proxy login</html>")),
                FakeLLMServer.Reply(content: .raw(contentType: "application/json", body: #"{"choices":[]}"#)))
            let client = fake.client()
            let html = await #expect(throws: LLMError.self) { try await client.complete(.question()) }
            let empty = await #expect(throws: LLMError.self) { try await client.complete(.question()) }
            #expect(html?.code == .malformedResponse)
            #expect(html?.status == 200)
            #expect(empty?.code == .malformedResponse)
            #expect(empty?.message == "response has no choices")
            // Malformed answers are not retried: the same server would say the same thing.
            #expect(fake.server.requests.count == 2)
        }
    }
}
