/// A circuit breaker for one provider of one session, as a pure state machine.
///
/// - **closed**: requests pass; `failureThreshold` consecutive retryable failures open it.
/// - **open**: requests are refused (the caller routes to a fallback) until `coolDown` has
///   passed since it opened.
/// - **half-open**: one trial request passes; success closes the breaker, failure opens it
///   again for another cool-down.
///
/// Time is passed in as `now`, so tests drive it without sleeping and the owner decides which
/// clock to use. The value is not shared: an owner keeps it behind a lock.
public struct CircuitBreaker: Sendable, Hashable {
    /// The clock readings the breaker compares.
    public typealias Instant = ContinuousClock.Instant

    /// When to open and how long to stay open.
    public struct Configuration: Sendable, Hashable {
        /// Consecutive retryable failures that open the breaker.
        public var failureThreshold: Int
        /// How long the breaker stays open before it lets one trial through.
        public var coolDown: Duration

        /// Creates a configuration; the defaults open after 5 failures for 30 seconds.
        public init(failureThreshold: Int = 5, coolDown: Duration = .seconds(30)) {
            precondition(failureThreshold >= 1 && coolDown >= .zero, "invalid circuit breaker configuration")
            self.failureThreshold = failureThreshold
            self.coolDown = coolDown
        }
    }

    /// The state as seen from outside.
    public enum State: String, Sendable, Hashable, Codable {
        case closed
        case open
        case halfOpen = "half_open"
    }

    private enum Phase: Hashable {
        case closed(failures: Int)
        case open(since: Instant)
        /// `trialSince` is when the one trial request was let through.
        case halfOpen(trialSince: Instant)
    }

    /// The thresholds in use.
    public let configuration: Configuration
    private var phase: Phase = .closed(failures: 0)

    /// Creates a closed breaker.
    public init(configuration: Configuration = Configuration()) {
        self.configuration = configuration
    }

    /// The state at `now`: an open breaker whose cool-down has passed reports half-open.
    public func state(at now: Instant) -> State {
        switch phase {
        case .closed: .closed
        case .open(let since): now - since >= configuration.coolDown ? .halfOpen : .open
        case .halfOpen: .halfOpen
        }
    }

    /// Consecutive retryable failures counted while closed.
    public var consecutiveFailures: Int {
        if case .closed(let failures) = phase { return failures }
        return configuration.failureThreshold
    }

    /// Asks to send a request at `now`. Closed: yes. Open: no, until the cool-down passes;
    /// then the breaker turns half-open and this call is the trial. Half-open: no while the
    /// trial is out — unless it has been out a whole cool-down, in which case its result was
    /// lost (a cancelled task) and a new trial is allowed rather than staying stuck.
    public mutating func acquire(at now: Instant) -> Bool {
        switch phase {
        case .closed:
            return true
        case .open(let since), .halfOpen(let since):
            guard now - since >= configuration.coolDown else { return false }
            phase = .halfOpen(trialSince: now)
            return true
        }
    }

    /// Records a success, or any answer that shows the provider is up (a permanent error
    /// about the message itself): the breaker closes and the failure count resets.
    public mutating func recordSuccess() {
        phase = .closed(failures: 0)
    }

    /// Records a retryable failure at `now`.
    public mutating func recordFailure(at now: Instant) {
        switch phase {
        case .closed(let failures):
            phase = failures + 1 >= configuration.failureThreshold ? .open(since: now) : .closed(failures: failures + 1)
        case .halfOpen:
            phase = .open(since: now)
        case .open:
            // Late failures of requests let through before the breaker opened do not extend
            // the cool-down, or a busy session would never get its trial.
            break
        }
    }

    /// How long until an open breaker lets a trial through; `nil` unless open.
    public func remainingCoolDown(at now: Instant) -> Duration? {
        guard case .open(let since) = phase else { return nil }
        let remaining = configuration.coolDown - (now - since)
        return remaining > .zero ? remaining : nil
    }
}
