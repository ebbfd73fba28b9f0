/// Retry delays: exponential growth with "full jitter" — each delay is drawn uniformly from
/// zero to `min(cap, base × 2^(attempt−1))`.
///
/// Full jitter spreads retries of many senders that failed together (a provider outage)
/// instead of having them return in lock-step. Pass a seeded generator such as ``SplitMix64``
/// to get the same delays in tests.
public struct Backoff: Sendable, Hashable {
    /// The ceiling of the first retry's delay.
    public var base: Duration
    /// No delay is ever longer than this.
    public var cap: Duration
    /// Attempts in total, the first one included; after that many, ``delay(afterAttempt:notBefore:using:)``
    /// returns `nil`.
    public var maxAttempts: Int

    /// Creates a policy.
    public init(base: Duration = .milliseconds(500), cap: Duration = .seconds(60), maxAttempts: Int = 6) {
        precondition(base > .zero && cap >= base && maxAttempts >= 1, "invalid backoff policy")
        self.base = base
        self.cap = cap
        self.maxAttempts = maxAttempts
    }

    /// The largest delay after `attempt` failed attempts (1-based): `min(cap, base × 2^(attempt−1))`.
    public func ceiling(afterAttempt attempt: Int) -> Duration {
        var ceiling = base
        var doublings = max(0, attempt - 1)
        // Doubling stops at the cap, so the product never overflows.
        while doublings > 0, ceiling < cap {
            ceiling *= 2
            doublings -= 1
        }
        return min(ceiling, cap)
    }

    /// The delay before the next attempt, after `attempt` attempts failed; `nil` when the
    /// attempts are used up. `minimum` (a provider's `Retry-After`) wins over a shorter draw.
    public func delay(
        afterAttempt attempt: Int, notBefore minimum: Duration? = nil, using generator: inout some RandomNumberGenerator
    ) -> Duration? {
        guard attempt < maxAttempts else { return nil }
        let upper = Self.nanoseconds(ceiling(afterAttempt: attempt))
        let drawn = Duration.nanoseconds(Int64.random(in: 0...upper, using: &generator))
        guard let minimum else { return drawn }
        return max(drawn, minimum)
    }

    /// ``delay(afterAttempt:notBefore:using:)`` with the system's random generator.
    public func delay(afterAttempt attempt: Int, notBefore minimum: Duration? = nil) -> Duration? {
        var generator = SystemRandomNumberGenerator()
        return delay(afterAttempt: attempt, notBefore: minimum, using: &generator)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (product, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000_000)
        return overflow ? .max : product + attoseconds / 1_000_000_000
    }
}

/// A small, fast, seedable random generator (SplitMix64), for reproducible jitter in tests
/// and simulations. Not for secrets.
public struct SplitMix64: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator; the same seed gives the same sequence.
    public init(seed: UInt64) {
        state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}
