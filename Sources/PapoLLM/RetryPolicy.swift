import Foundation
import PapoHTTP

/// When and how long to wait before trying a failed call again.
///
/// Only retryable errors (``LLMError/isRetryable``: 429, 5xx, timeouts, unreachable) are
/// retried; authentication, not-found, invalid-request and context-length errors fail at once.
/// Waits grow exponentially with jitter, so many conversations hitting the same rate limit do
/// not come back in lockstep; a server's `Retry-After` replaces the computed wait, up to
/// ``maxRetryAfter``.
public struct RetryPolicy: Sendable, Hashable {
    /// Total attempts including the first; 1 disables retries.
    public var maxAttempts: Int
    /// The wait after the first failure.
    public var initialBackoff: Duration
    /// The factor applied to the wait after each further failure.
    public var multiplier: Double
    /// The longest computed wait.
    public var maxBackoff: Duration
    /// The longest wait a server's `Retry-After` may impose; a turn waiting minutes for one
    /// reply is worse than answering from the offline fallback.
    public var maxRetryAfter: Duration
    /// The fraction (0...1) of each computed wait that is randomised away.
    public var jitter: Double

    /// Creates a policy; the defaults allow 3 attempts spread over about 1.5 s, or longer when
    /// the server asks.
    public init(
        maxAttempts: Int = 3, initialBackoff: Duration = .milliseconds(500), multiplier: Double = 2,
        maxBackoff: Duration = .seconds(8), maxRetryAfter: Duration = .seconds(20), jitter: Double = 0.5
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.initialBackoff = initialBackoff
        self.multiplier = max(1, multiplier)
        self.maxBackoff = maxBackoff
        self.maxRetryAfter = maxRetryAfter
        self.jitter = min(1, max(0, jitter))
    }

    /// Three attempts with the default waits.
    public static let standard = RetryPolicy()

    /// A single attempt: no retries.
    public static let never = RetryPolicy(maxAttempts: 1)

    /// The wait before the next attempt after attempt number `attempt` (1-based) failed with
    /// `error`, or `nil` when the call should give up.
    ///
    /// - Parameter random: a value in `0..<1` that picks the jitter; injectable for tests.
    public func delay(afterAttempt attempt: Int, error: LLMError, random: Double = .random(in: 0..<1)) -> Duration? {
        guard error.isRetryable, attempt < maxAttempts else { return nil }
        if let retryAfter = error.retryAfter {
            // The server's own figure is a floor, so no jitter is taken off it.
            return min(max(retryAfter, .zero), maxRetryAfter)
        }
        var backoff = initialBackoff
        for _ in 1..<max(1, attempt) where backoff < maxBackoff {
            backoff = backoff * multiplier
        }
        backoff = min(backoff, maxBackoff)
        return backoff * (1 - jitter * min(max(random, 0), 1))
    }
}

/// Reads how long a server asked to wait: `retry-after-ms` (Azure, OpenAI) first, then
/// `Retry-After` as seconds or as an HTTP date (RFC 9110 §10.2.3).
enum RetryAfter {
    static func parse(_ headers: HTTPClientHeaders, now: Date = Date()) -> Duration? {
        if let text = headers["retry-after-ms"], let milliseconds = Double(text.trimmingCharacters(in: .whitespaces)),
            milliseconds.isFinite, milliseconds >= 0
        {
            return .milliseconds(Int64(milliseconds.rounded(.up)))
        }
        guard let text = headers["retry-after"]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else {
            return nil
        }
        if let seconds = Double(text), seconds.isFinite, seconds >= 0 {
            return .milliseconds(Int64((seconds * 1000).rounded(.up)))
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        let seconds = max(0, date.timeIntervalSince(now))
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }
}
