import Foundation
import PapoCore
import PapoLLM
import PapoTestKit
import Testing

/// Error bodies in each server's shape, and the API key kept out of every error and log line.
@Suite struct ErrorClassificationTests {
    static let openAIOverflow = FakeLLMServer.Reply.error(
        status: 400,
        .openAI(
            message:
                "This model's maximum context length is 128000 tokens. However, you requested 128109 tokens (126109 in the messages, 2000 in the completion).",
            type: "invalid_request_error", code: "context_length_exceeded", param: "messages"))
    static let llamaCppOverflow = FakeLLMServer.Reply.error(
        status: 400,
        .llamaCpp(
            message: "request (4476 tokens) exceeds the available context size (4096 tokens)",
            type: "exceed_context_size_error", promptTokens: 4476, contextSize: 4096))
    static let vLLMOverflow = FakeLLMServer.Reply.error(
        status: 400,
        .vLLM(
            message:
                "This model's maximum context length is 4096 tokens. However, you requested 5120 tokens (4608 in the messages, 512 in the completion). Please reduce the length of the messages or completion."
        ))

    @Test func contextLengthErrorsAreClassifiedInEveryShape() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(Self.openAIOverflow, Self.llamaCppOverflow, Self.vLLMOverflow)
            let client = fake.client()
            var errors: [LLMError] = []
            for _ in 0..<3 {
                do {
                    _ = try await client.complete(.question())
                    Issue.record("an oversized prompt must fail")
                } catch let error as LLMError {
                    errors.append(error)
                }
            }
            #expect(errors.map(\.code) == [.contextLengthExceeded, .contextLengthExceeded, .contextLengthExceeded])
            #expect(errors.map(\.status) == [400, 400, 400])
            #expect(errors[0].serverCode == "context_length_exceeded")
            #expect(errors[0].serverType == "invalid_request_error")
            #expect(errors[1].serverType == "exceed_context_size_error")
            #expect(errors[1].serverCode == "400")
            #expect(errors[1].message == "request (4476 tokens) exceeds the available context size (4096 tokens)")
            #expect(errors[2].serverType == "BadRequestError")
            #expect(errors[2].message.hasPrefix("This model's maximum context length is 4096 tokens."))
            // Trimming the context is the caller's job; the same request would fail again.
            #expect(errors.allSatisfy { !$0.isRetryable })
            #expect(fake.server.requests.count == 3)
        }
    }

    @Test func streamedCallClassifiesContextLengthToo() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(Self.llamaCppOverflow)
            let error = await #expect(throws: LLMError.self) {
                for try await _ in fake.client().stream(.question()) {}
            }
            #expect(error?.code == .contextLengthExceeded)
            #expect(fake.server.requests.count == 1)
        }
    }

    @Test func ordinaryBadRequestAndOllamaNotFoundAreNotContextErrors() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(
                .error(
                    status: 400,
                    .openAI(
                        message: "Invalid value for 'temperature': must be between 0 and 2.",
                        type: "invalid_request_error",
                        code: "invalid_value", param: "temperature")),
                .error(status: 404, .plain("model \"llama9\" not found, try pulling it first")))
            let client = fake.client()
            let bad = await #expect(throws: LLMError.self) { try await client.complete(.question()) }
            let missing = await #expect(throws: LLMError.self) { try await client.complete(.question()) }
            #expect(bad?.code == .invalidRequest)
            #expect(bad?.message == "Invalid value for 'temperature': must be between 0 and 2.")
            #expect(missing?.code == .notFound)
            #expect(missing?.message == "model \"llama9\" not found, try pulling it first")
        }
    }

    @Test func apiKeyNeverAppearsInErrorsOrLogs() async throws {
        let key = FakeLLMHarness.apiKey
        let masked = String(key.prefix(8)) + "****************************" + String(key.suffix(4))
        let recorder = LogRecorder()
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(
                .error(status: 503, .openAI(message: "upstream rejected key \(key)", type: "server_error")),
                .text("ok"),
                .error(
                    status: 401,
                    .openAI(
                        message:
                            "Incorrect API key provided: \(masked). You can find your API key at https://platform.openai.com/account/api-keys.",
                        type: "invalid_request_error", code: "invalid_api_key")),
                .error(status: 401, .plain("invalid key: \(key)")))
            let client = fake.client(logger: recorder.logger())
            let completion = try await client.complete(.question())
            let maskedEcho = await #expect(throws: LLMError.self) { try await client.complete(.question()) }
            let fullEcho = await #expect(throws: LLMError.self) { try await client.complete(.question()) }

            #expect(completion.attempts == 2)
            let errors = try [#require(maskedEcho), #require(fullEcho)]
            for error in errors {
                #expect(error.code == .authentication)
                let rendered = [error.description, error.message, String(reflecting: error), "\(error)"]
                for text in rendered {
                    #expect(!text.contains(key))
                    #expect(!text.contains(masked))
                    #expect(!text.contains(String(key.prefix(8))))
                }
            }
            #expect(errors[0].message.hasPrefix("Incorrect API key provided: <redacted>"))
            #expect(errors[1].message == "invalid key: <redacted>")

            let endpoint = fake.endpoint()
            var dumped = ""
            dump(endpoint, to: &dumped)
            for text in ["\(endpoint)", String(reflecting: endpoint), dumped] {
                #expect(!text.contains(key))
                #expect(text.contains("<redacted>"))
            }
        }
        let lines = recorder.all
        #expect(lines.contains { $0.contains("retrying") })
        #expect(lines.contains { $0.contains("LLM call finished") })
        #expect(lines.allSatisfy { !$0.contains(key) && !$0.contains(String(key.prefix(8))) })
    }
}
