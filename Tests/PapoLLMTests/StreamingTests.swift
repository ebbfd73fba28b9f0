import Foundation
import PapoCore
import PapoLLM
import PapoTestKit
import Testing

/// Streamed completions: SSE chunks assembled into the same result as a non-streamed call.
@Suite struct StreamingTests {
    /// Everything a stream produced, split by kind.
    struct Collected {
        var content: [String] = []
        var toolDeltas: [ToolCallDelta] = []
        var completed: [LLMCompletion] = []
    }

    static func collect(_ stream: AsyncThrowingStream<LLMStreamEvent, any Error>) async throws -> Collected {
        var collected = Collected()
        for try await event in stream {
            switch event {
            case .contentDelta(let text): collected.content.append(text)
            case .toolCallDelta(let delta): collected.toolDeltas.append(delta)
            case .completed(let completion): collected.completed.append(completion)
            }
        }
        return collected
    }

    @Test func streamedTextMatchesTheNonStreamedCompletion() async throws {
        try await FakeLLMHarness.with { fake in
            let text = "Olá! Tenho 2 apartamentos em Pinheiros abaixo de R$ 4.000."
            fake.server.enqueue(.text(text, usage: (prompt: 30, completion: 16)))
            fake.server.enqueue(FakeLLMServer.Reply.text(text, usage: (prompt: 30, completion: 16)).fragmented(by: 5))
            let client = fake.client()
            let whole = try await client.complete(.question())
            let streamed = try await Self.collect(client.stream(.question()))

            #expect(streamed.content.count == (text.count + 4) / 5)
            #expect(streamed.content.joined() == text)
            #expect(streamed.toolDeltas.isEmpty)
            let completion = try #require(streamed.completed.first)
            #expect(streamed.completed.count == 1)
            #expect(completion.message == whole.message)
            #expect(completion.finishReason == .stop)
            #expect(completion.usage == LLMUsage(promptTokens: 30, completionTokens: 16))
            #expect(completion.usage == whole.usage)
            #expect(completion.id == "chatcmpl-fake-2")
            #expect(completion.model == "gpt-4o-mini")
            let firstToken = try #require(completion.timeToFirstToken)
            #expect(firstToken > .zero)
            #expect(firstToken <= completion.latency)

            let recorded = fake.server.requests[1]
            #expect(recorded.header("Accept") == "text/event-stream")
            #expect(try fake.body(1)["stream"] == true)
            #expect(try fake.body(1)["stream_options"] == ["include_usage": true])
        }
    }

    @Test func splitToolCallDeltasAssembleLikeTheNonStreamedCompletion() async throws {
        try await FakeLLMHarness.with { fake in
            let reply = FakeLLMServer.Reply.toolCalls(
                [
                    .init(
                        id: "call_a", name: "search_listings", arguments: #"{"district":"Pinheiros","max_rent":4000}"#),
                    .init(id: "call_b", name: "schedule_visit", arguments: #"{"listing_id":7,"when":"sáb 10h"}"#),
                ],
                text: "Vou procurar.")
            fake.server.enqueue(reply)
            fake.server.enqueue(reply.fragmented(by: 3))
            let client = fake.client()
            let whole = try await client.complete(.question())
            let streamed = try await Self.collect(client.stream(.question()))

            let completion = try #require(streamed.completed.first)
            #expect(completion.message == whole.message)
            #expect(completion.toolCalls.count == 2)
            #expect(completion.toolCalls[1].arguments == #"{"listing_id":7,"when":"sáb 10h"}"#)
            #expect(completion.content == "Vou procurar.")
            #expect(completion.finishReason == .toolCalls)
            #expect(completion.usage == LLMUsage(promptTokens: 40, completionTokens: 18))

            // Each call's first delta names it once; the rest only add argument fragments.
            for index in 0..<2 {
                let deltas = streamed.toolDeltas.filter { $0.index == index }
                #expect(deltas.count > 3, "arguments were split across chunks")
                #expect(deltas.first?.id == whole.toolCalls[index].id)
                #expect(deltas.first?.name == whole.toolCalls[index].name)
                #expect(deltas.dropFirst().allSatisfy { $0.id == nil && $0.name == nil })
                #expect(deltas.map(\.arguments).joined() == whole.toolCalls[index].arguments)
            }
        }
    }

    @Test func objectArgumentsInAStreamAssembleToTheSameArguments() async throws {
        try await FakeLLMHarness.with { fake in
            let arguments = #"{"district": "Moema", "max_rent": 3000}"#
            fake.server.enqueue(
                .toolCall(id: "call_x", name: "search_listings", arguments: arguments).argumentsAsJSONObject())
            let streamed = try await Self.collect(fake.client().stream(.question()))
            let completion = try #require(streamed.completed.first)
            #expect(completion.toolCalls.map(\.id) == ["call_x"])
            // Re-serialised from the object the fake sent, hence compact.
            #expect(completion.toolCalls[0].arguments == #"{"district":"Moema","max_rent":3000}"#)
            #expect(try completion.toolCalls[0].parsedArguments() == ["district": "Moema", "max_rent": 3000])
        }
    }

    @Test func streamCutBeforeFinishingIsAnError() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(FakeLLMServer.Reply.text("Metade de uma fra").truncated())
            var received: [String] = []
            let error = await #expect(throws: LLMError.self) {
                for try await event in fake.client().stream(.question()) {
                    if case .contentDelta(let text) = event { received.append(text) }
                    if case .completed = event { Issue.record("a cut stream must not complete") }
                }
            }
            #expect(error?.code == .malformedResponse)
            #expect(received.joined() == "Metade de uma fra")
            #expect(fake.server.requests.count == 1)
        }
    }

    @Test func errorEventInsideTheStreamEndsIt() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(
                FakeLLMServer.Reply(
                    content: .textThenStreamError(
                        "Começando", .vLLM(message: "engine died", type: "InternalServerError"))))
            var received: [String] = []
            let error = await #expect(throws: LLMError.self) {
                for try await event in fake.client().stream(.question()) {
                    if case .contentDelta(let text) = event { received.append(text) }
                }
            }
            #expect(received.joined() == "Começando")
            #expect(error?.code == .serverError)
            #expect(error?.message == "engine died")
            // Deltas already went out, so the call is not retried.
            #expect(fake.server.requests.count == 1)
        }
    }

    @Test func errorStatusBeforeTheStreamStartsIsRetried() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(.error(status: 503, .openAI(message: "overloaded", type: "server_error")))
            fake.server.enqueue(.text("agora sim"))
            let streamed = try await Self.collect(fake.client().stream(.question()))
            #expect(streamed.content.joined() == "agora sim")
            #expect(streamed.completed.first?.attempts == 2)
            #expect(fake.server.requests.count == 2)
        }
    }

    @Test func streamWithoutUsageRequestStillCompletes() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(.text("sem uso"))
            var endpoint = fake.endpoint(kind: .ollama, model: "llama3.1")
            endpoint.includeStreamUsage = false
            let streamed = try await Self.collect(fake.client(endpoint).stream(.question()))
            #expect(try fake.body(0)["stream_options"] == nil)
            #expect(streamed.completed.first?.content == "sem uso")
            #expect(streamed.completed.first?.usage == nil)
            #expect(streamed.completed.first?.model == "llama3.1")
        }
    }
}
