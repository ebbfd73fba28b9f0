public import PapoCore
import Synchronization

/// Sends through a session's preferred provider and falls back to a second one while the
/// preferred provider is failing.
///
/// Each session has its own ``CircuitBreaker`` for its preferred provider: retryable failures
/// (throughput, server errors, unreachable) count towards opening it; any other answer —
/// success, or a permanent error about the message itself — shows the provider is up and
/// resets it. While the breaker is open, sends go straight to the fallback; after the
/// cool-down one trial goes to the preferred provider again.
///
/// A retryable failure is retried once on the fallback at once, so a message is not held
/// back by a provider outage. Permanent and needs-template errors are not: the fallback would
/// either reject the message too or, worse, bypass Meta's 24-hour rule through WhatsApp Web.
/// Without a fallback the error is thrown for the outbox to retry with ``Backoff``.
public final class ProviderRouter: Sendable {
    /// What carried a message.
    public struct Delivery: Sendable, Equatable {
        /// The id from the provider that accepted it: statuses arrive under this id, from
        /// that provider.
        public var providerMessageID: String
        /// The provider that accepted it.
        public var provider: ProviderKind
        /// Whether the fallback carried it.
        public var usedFallback: Bool
    }

    /// A session's breaker and the provider it guards: a session whose preferred provider
    /// changed starts with a fresh, closed breaker.
    private struct SessionBreaker {
        var provider: ProviderKind
        var breaker: CircuitBreaker
    }

    private struct State {
        var breakers: [String: SessionBreaker] = [:]
        var counters: [ProviderKind: ProviderCounters] = [:]

        mutating func breaker(
            for session: String, provider: ProviderKind, configuration: CircuitBreaker.Configuration
        ) -> CircuitBreaker {
            if let entry = breakers[session], entry.provider == provider { return entry.breaker }
            return CircuitBreaker(configuration: configuration)
        }
    }

    /// The breaker thresholds every session uses.
    public let breakerConfiguration: CircuitBreaker.Configuration
    private let now: @Sendable () -> ContinuousClock.Instant
    private let state = Mutex(State())

    /// Creates a router. `now` is the clock the breakers read; tests pass a controllable one.
    public init(
        breaker: CircuitBreaker.Configuration = CircuitBreaker.Configuration(),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        breakerConfiguration = breaker
        self.now = now
    }

    /// Sends `message` for `session` through `preferred`, or through `fallback` while
    /// `preferred`'s breaker is open or after a retryable failure.
    ///
    /// - Throws: the preferred provider's ``ProviderError`` when there is no fallback or the
    ///   error is not retryable; the fallback's error when the fallback fails too; a retryable
    ///   `circuit_open` error (with the remaining cool-down as `retryAfter`) when the breaker
    ///   is open and there is no fallback.
    public func send(
        _ message: OutboundMessage, to recipient: PhoneNumber, session: String,
        preferred: any WhatsAppProvider, fallback: (any WhatsAppProvider)? = nil
    ) async throws -> Delivery {
        try await send(message, to: recipient, session: session, preferred: preferred, fallback: { fallback })
    }

    /// ``send(_:to:session:preferred:fallback:)`` with the fallback looked up only when it is
    /// needed: most sends succeed through the preferred provider and never ask.
    public func send(
        _ message: OutboundMessage, to recipient: PhoneNumber, session: String,
        preferred: any WhatsAppProvider, fallback resolveFallback: () async -> (any WhatsAppProvider)?
    ) async throws -> Delivery {
        let instant = now()
        let (admitted, remaining) = state.withLock { state in
            var breaker = state.breaker(for: session, provider: preferred.kind, configuration: breakerConfiguration)
            let admitted = breaker.acquire(at: instant)
            state.breakers[session] = SessionBreaker(provider: preferred.kind, breaker: breaker)
            return (admitted, breaker.remainingCoolDown(at: instant))
        }
        guard admitted else {
            guard let fallback = await resolveFallback() else {
                throw ProviderError(
                    .retryable, code: "circuit_open",
                    message: "\(preferred.kind.rawValue) is failing for this session; sends are paused",
                    provider: preferred.kind, retryAfter: remaining)
            }
            return try await sendThroughFallback(message, to: recipient, fallback: fallback)
        }
        do {
            let id = try await preferred.send(message, to: recipient)
            record(.success(()), session: session, provider: preferred.kind)
            return Delivery(providerMessageID: id, provider: preferred.kind, usedFallback: false)
        } catch let error as ProviderError {
            record(.failure(error), session: session, provider: preferred.kind)
            guard error.isRetryable, let fallback = await resolveFallback() else { throw error }
            return try await sendThroughFallback(message, to: recipient, fallback: fallback)
        }
    }

    /// The counters of every provider used so far and the state of every session's breaker.
    public func snapshot() -> ProviderRouterSnapshot {
        let instant = now()
        return state.withLock { state in
            ProviderRouterSnapshot(
                providers: state.counters, breakers: state.breakers.mapValues { $0.breaker.state(at: instant) })
        }
    }

    private func sendThroughFallback(
        _ message: OutboundMessage, to recipient: PhoneNumber, fallback: any WhatsAppProvider
    ) async throws -> Delivery {
        do {
            let id = try await fallback.send(message, to: recipient)
            state.withLock { state in
                state.counters[fallback.kind, default: ProviderCounters()].sent += 1
                state.counters[fallback.kind, default: ProviderCounters()].fallbacks += 1
            }
            return Delivery(providerMessageID: id, provider: fallback.kind, usedFallback: true)
        } catch let error as ProviderError {
            state.withLock { $0.counters[fallback.kind, default: ProviderCounters()].failed += 1 }
            throw error
        }
    }

    /// Counts the preferred provider's outcome and feeds its session's breaker: only retryable
    /// failures count against it; any other answer shows the provider is up.
    private func record(_ outcome: Result<Void, ProviderError>, session: String, provider: ProviderKind) {
        let instant = now()
        state.withLock { state in
            var breaker = state.breaker(for: session, provider: provider, configuration: breakerConfiguration)
            switch outcome {
            case .success:
                state.counters[provider, default: ProviderCounters()].sent += 1
                breaker.recordSuccess()
            case .failure(let error):
                state.counters[provider, default: ProviderCounters()].failed += 1
                if error.isRetryable { breaker.recordFailure(at: instant) } else { breaker.recordSuccess() }
            }
            state.breakers[session] = SessionBreaker(provider: provider, breaker: breaker)
        }
    }
}

/// Counts for one provider since the router started.
public struct ProviderCounters: Sendable, Hashable {
    /// Messages the provider accepted (as preferred or as fallback).
    public var sent = 0
    /// Attempts through the provider that failed, for any reason.
    public var failed = 0
    /// Messages the provider accepted as the fallback of another provider.
    public var fallbacks = 0

    public init(sent: Int = 0, failed: Int = 0, fallbacks: Int = 0) {
        self.sent = sent
        self.failed = failed
        self.fallbacks = fallbacks
    }
}

/// A point-in-time copy of a ``ProviderRouter``'s counters and breakers, for metrics.
public struct ProviderRouterSnapshot: Sendable, Equatable {
    /// Counters per provider; providers never used are absent.
    public var providers: [ProviderKind: ProviderCounters]
    /// Breaker state per session.
    public var breakers: [String: CircuitBreaker.State]

    public init(providers: [ProviderKind: ProviderCounters], breakers: [String: CircuitBreaker.State]) {
        self.providers = providers
        self.breakers = breakers
    }
}
