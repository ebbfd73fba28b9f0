import Foundation
import PapoCore
import PapoHTTP
import PapoLLM
import PapoTestKit
import Testing

/// Which failures are retried against a real server, how many requests reach it, and how
/// transport failures are classified.
@Suite struct RetryTests {
    @Test func rateLimitWithRetryAfterWaitsAtLeastThatLongThenSucceeds() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(.rateLimited(retryAfterSeconds: 1))
            fake.server.enqueue(.text("depois da espera"))
            let clock = ContinuousClock()
            let started = clock.now
            let completion = try await fake.client(retry: .fastForTests).complete(.question())
            let elapsed = clock.now - started

            #expect(completion.content == "depois da espera")
            #expect(completion.attempts == 2)
            #expect(fake.server.requests.count == 2)
            #expect(elapsed >= .seconds(1))
            #expect(completion.totalDuration >= .seconds(1))
            #expect(completion.latency < completion.totalDuration)
        }
    }

    @Test func retryAfterBeyondTheCapIsCapped() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(.rateLimited(retryAfterSeconds: 3600))
            fake.server.enqueue(.text("ok"))
            var policy = RetryPolicy.fastForTests
            policy.maxRetryAfter = .milliseconds(50)
            let completion = try await fake.client(retry: policy).complete(.question())
            #expect(completion.attempts == 2)
            #expect(completion.totalDuration < .seconds(60))
        }
    }

    @Test func serverErrorTwiceThenSuccess() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(.error(status: 500, .openAI(message: "The server had an error", type: "server_error")))
            fake.server.enqueue(.error(status: 502, .plain("bad gateway")))
            fake.server.enqueue(.text("terceira vez"))
            let completion = try await fake.client().complete(.question())
            #expect(completion.content == "terceira vez")
            #expect(completion.attempts == 3)
            #expect(fake.server.requests.count == 3)
            // Every attempt sent the same body.
            #expect(Set(fake.server.requests.map(\.body)).count == 1)
        }
    }

    @Test func persistentServerErrorGivesUpAfterMaxAttempts() async throws {
        try await FakeLLMHarness.with { fake in
            for _ in 0..<4 {
                fake.server.enqueue(.error(status: 503, .openAI(message: "overloaded", type: "server_error")))
            }
            let error = await #expect(throws: LLMError.self) { try await fake.client().complete(.question()) }
            #expect(error?.code == .serverError)
            #expect(error?.status == 503)
            #expect(error?.attempts == 3)
            #expect(error?.isRetryable == true)
            #expect(fake.server.requests.count == 3)
            #expect(fake.server.pendingReplies == 1)
        }
    }

    @Test(arguments: [
        (401, "invalid_api_key", "authentication"), (403, "unsupported_country_region_territory", "authentication"),
        (404, "model_not_found", "notFound"), (400, "invalid_value", "invalidRequest"),
        (429, "insufficient_quota", "quotaExceeded"),
    ])
    func permanentErrorsReachTheServerExactlyOnce(status: Int, code: String, expected: String) async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(
                .error(status: status, .openAI(message: "failure \(code)", type: "invalid_request_error", code: code)))
            fake.server.enqueue(.text("must not be reached"))
            let error = await #expect(throws: LLMError.self) { try await fake.client().complete(.question()) }
            #expect(error?.code.description == expected)
            #expect(error?.status == status)
            #expect(error?.serverCode == code)
            #expect(error?.message == "failure \(code)")
            #expect(error?.attempts == 1)
            #expect(error?.isRetryable == false)
            #expect(fake.server.requests.count == 1)
        }
    }

    @Test func slowServerIsClassifiedAsTimeout() async throws {
        try await FakeLLMHarness.with { fake in
            fake.server.enqueue(FakeLLMServer.Reply.text("too late").delayed(by: .milliseconds(1500)))
            var endpoint = fake.endpoint()
            endpoint.timeout = .milliseconds(300)
            let error = await #expect(throws: LLMError.self) {
                try await fake.client(endpoint, retry: .never).complete(.question())
            }
            #expect(error?.code == .timeout)
            #expect(error?.isRetryable == true)
            #expect(error?.status == nil)
            #expect(fake.server.requests.count == 1)
        }
    }

    @Test func closedPortIsClassifiedAsUnreachableAndRetried() async throws {
        let refusing = try RefusingPort()
        let http = HTTPClient()
        let client = OpenAICompatibleClient(
            endpoint: LLMEndpoint(baseURL: refusing.baseURL + "/v1", apiKey: FakeLLMHarness.apiKey, model: "m"),
            httpClient: http, retryPolicy: .fastForTests)
        let error = await #expect(throws: LLMError.self) { try await client.complete(.question()) }
        await http.shutdown()
        withExtendedLifetime(refusing) {}
        #expect(error?.code == .unreachable)
        #expect(error?.attempts == 3)
    }
}
