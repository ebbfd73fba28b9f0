import Foundation
import PapoCore
import PapoLLM
import PapoTestKit
import Testing

/// The backoff arithmetic, and `Retry-After` in its three spellings.
@Suite struct RetryPolicyTests {
    static let serverError = LLMError(code: .serverError, message: "boom", status: 500)

    @Test func backoffGrowsExponentiallyUpToTheCapThenGivesUp() {
        let policy = RetryPolicy(
            maxAttempts: 5, initialBackoff: .milliseconds(100), multiplier: 2, maxBackoff: .milliseconds(300),
            jitter: 0)
        let delays = (1...5).map { policy.delay(afterAttempt: $0, error: Self.serverError, random: 0.7) }
        #expect(delays == [.milliseconds(100), .milliseconds(200), .milliseconds(300), .milliseconds(300), nil])
    }

    @Test func jitterTakesAtMostItsFractionOffTheWait() {
        let policy = RetryPolicy(maxAttempts: 3, initialBackoff: .seconds(1), jitter: 0.5)
        #expect(policy.delay(afterAttempt: 1, error: Self.serverError, random: 0) == .seconds(1))
        #expect(policy.delay(afterAttempt: 1, error: Self.serverError, random: 0.5) == .milliseconds(750))
        #expect(policy.delay(afterAttempt: 1, error: Self.serverError, random: 1) == .milliseconds(500))
        #expect(policy.delay(afterAttempt: 2, error: Self.serverError, random: 1) == .seconds(1))
    }

    @Test func retryAfterReplacesTheBackoffUpToItsCap() {
        let policy = RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(100), maxRetryAfter: .seconds(5))
        var limited = LLMError(code: .rateLimited, message: "slow down", status: 429, retryAfter: .seconds(2))
        #expect(policy.delay(afterAttempt: 1, error: limited, random: 0.9) == .seconds(2))
        limited.retryAfter = .seconds(90)
        #expect(policy.delay(afterAttempt: 1, error: limited, random: 0.9) == .seconds(5))
        #expect(policy.delay(afterAttempt: 3, error: limited, random: 0.9) == nil)
    }

    @Test func permanentErrorsAreNeverRetried() {
        let policy = RetryPolicy(maxAttempts: 10)
        let permanent: [LLMError.Code] = [
            .authentication, .notFound, .invalidRequest, .contextLengthExceeded, .quotaExceeded, .malformedResponse,
            .cancelled,
        ]
        for code in permanent {
            #expect(policy.delay(afterAttempt: 1, error: LLMError(code: code, message: "x"), random: 0) == nil)
        }
        let transient: [LLMError.Code] = [.rateLimited, .serverError, .timeout, .unreachable]
        for code in transient {
            #expect(policy.delay(afterAttempt: 1, error: LLMError(code: code, message: "x"), random: 0) != nil)
        }
        #expect(RetryPolicy.never.delay(afterAttempt: 1, error: Self.serverError, random: 0) == nil)
    }

    @Test func retryAfterIsReadInSecondsMillisecondsAndAsADate() async throws {
        try await FakeLLMHarness.with { fake in
            let future = Date().addingTimeInterval(120)
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: "GMT")
            formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
            let limited = FakeLLMServer.Reply.error(
                status: 429, .openAI(message: "Rate limit reached", type: "requests", code: "rate_limit_exceeded"))
            fake.server.enqueue(
                limited.withHeader("Retry-After", "7"),
                limited.withHeader("retry-after-ms", "174"),
                limited.withHeader("Retry-After", formatter.string(from: future)),
                limited)
            let client = fake.client(retry: .never)
            var delays: [Duration?] = []
            for _ in 0..<4 {
                do {
                    _ = try await client.complete(.question())
                } catch let error as LLMError {
                    #expect(error.code == .rateLimited)
                    delays.append(error.retryAfter)
                }
            }
            #expect(delays.count == 4)
            #expect(delays[0] == .seconds(7))
            #expect(delays[1] == .milliseconds(174))
            let dated = try #require(delays[2])
            #expect(dated > .seconds(110) && dated <= .seconds(120))
            #expect(delays[3] == nil)
        }
    }
}
