import Foundation
import PapoCore
import PapoProviders
import PapoTestKit
import Synchronization
import Testing

/// Fallback and circuit breaking with a real Meta provider (on the fake Graph API) as the
/// preferred provider and the sandbox as the fallback.
struct ProviderRouterTests {
    let clock = ManualClock()

    private func router() -> ProviderRouter {
        let clock = clock
        return ProviderRouter(breaker: .init(failureThreshold: 3, coolDown: .seconds(30)), now: { clock.now })
    }

    private func sandbox() -> SandboxProvider {
        SandboxProvider(configuration: .init(sentDelay: .seconds(60)))
    }

    @Test func sendsThroughThePreferredProviderWhileItWorks() async throws {
        try await MetaHarness.run { meta in
            let router = router()
            let fallback = sandbox()
            let delivery = try await router.send(
                .text("Olá"), to: customer, session: "s-1", preferred: meta.provider, fallback: fallback)
            #expect(delivery.provider == .meta)
            #expect(!delivery.usedFallback)
            #expect(delivery.providerMessageID.hasPrefix("wamid."))
            #expect(
                router.snapshot()
                    == ProviderRouterSnapshot(
                        providers: [.meta: ProviderCounters(sent: 1)], breakers: ["s-1": .closed]))
            #expect(fallback.history().isEmpty)
            fallback.shutdown()
        }
    }

    @Test func looksUpTheFallbackOnlyWhenThePreferredProviderFails() async throws {
        try await MetaHarness.run { meta in
            let router = router()
            let fallback = sandbox()
            let lookups = Mutex(0)
            let resolve: () async -> (any WhatsAppProvider)? = {
                lookups.withLock { $0 += 1 }
                return fallback
            }
            let direct = try await router.send(
                .text("Olá"), to: customer, session: "s-1", preferred: meta.provider, fallback: resolve)
            #expect(direct.provider == .meta)
            #expect(lookups.withLock { $0 } == 0)

            meta.fake.failNext(1, code: 131000, httpStatus: 500, message: "Something went wrong")
            let diverted = try await router.send(
                .text("De novo"), to: customer, session: "s-1", preferred: meta.provider, fallback: resolve)
            #expect(diverted.provider == .sandbox)
            #expect(lookups.withLock { $0 } == 1)
            fallback.shutdown()
        }
    }

    @Test func opensAfterRetryableFailuresRoutesToTheFallbackAndClosesAfterATrial() async throws {
        try await MetaHarness.run { meta in
            let router = router()
            let fallback = sandbox()
            meta.fake.failNext(3, code: 131000, httpStatus: 500, message: "Something went wrong")
            for attempt in 1...3 {
                let delivery = try await router.send(
                    .text("m\(attempt)"), to: customer, session: "s-1", preferred: meta.provider, fallback: fallback)
                #expect(delivery.provider == .sandbox)
                #expect(delivery.usedFallback)
                #expect(delivery.providerMessageID.hasPrefix("sandbox."))
            }
            #expect(router.snapshot().breakers["s-1"] == .open)
            #expect(meta.fake.requests.count == 3)

            // While open, the preferred provider is not even tried.
            clock.advance(by: .seconds(29))
            let diverted = try await router.send(
                .text("m4"), to: customer, session: "s-1", preferred: meta.provider, fallback: fallback)
            #expect(diverted.provider == .sandbox)
            #expect(meta.fake.requests.count == 3)

            // After the cool-down one trial goes to Meta, succeeds, and closes the breaker.
            clock.advance(by: .seconds(1))
            #expect(router.snapshot().breakers["s-1"] == .halfOpen)
            let trial = try await router.send(
                .text("m5"), to: customer, session: "s-1", preferred: meta.provider, fallback: fallback)
            #expect(trial.provider == .meta)
            #expect(meta.fake.requests.count == 4)
            #expect(
                router.snapshot()
                    == ProviderRouterSnapshot(
                        providers: [
                            .meta: ProviderCounters(sent: 1, failed: 3),
                            .sandbox: ProviderCounters(sent: 4, fallbacks: 4),
                        ],
                        breakers: ["s-1": .closed]))
            #expect(fallback.history().map(\.text) == ["m1", "m2", "m3", "m4"])
            fallback.shutdown()
        }
    }

    @Test func aFailedTrialReopensTheBreaker() async throws {
        try await MetaHarness.run { meta in
            let router = router()
            let fallback = sandbox()
            meta.fake.failNext(4, code: 130429, message: "Rate limit hit")
            for _ in 1...3 {
                _ = try await router.send(
                    .text("x"), to: customer, session: "s-1", preferred: meta.provider, fallback: fallback)
            }
            clock.advance(by: .seconds(30))
            let trial = try await router.send(
                .text("trial"), to: customer, session: "s-1", preferred: meta.provider, fallback: fallback)
            #expect(trial.usedFallback)
            #expect(meta.fake.requests.count == 4)
            #expect(router.snapshot().breakers["s-1"] == .open)
            fallback.shutdown()
        }
    }

    @Test func permanentErrorsNeitherFallBackNorOpenTheBreaker() async throws {
        try await MetaHarness.run { meta in
            let router = router()
            let fallback = sandbox()
            meta.fake.failNext(5, code: 131047, message: "Re-engagement message")
            for _ in 1...5 {
                let error = await providerError {
                    try await router.send(
                        .text("x"), to: customer, session: "s-1", preferred: meta.provider, fallback: fallback)
                }
                #expect(error?.classification == .needsTemplate)
            }
            #expect(router.snapshot().breakers["s-1"] == .closed)
            #expect(router.snapshot().providers == [.meta: ProviderCounters(failed: 5)])
            #expect(fallback.history().isEmpty)
            fallback.shutdown()
        }
    }

    @Test func withoutAFallbackAnOpenBreakerAsksToWait() async throws {
        try await MetaHarness.run { meta in
            let router = router()
            meta.fake.failNext(3, code: 131016, httpStatus: 500, message: "Service unavailable")
            for _ in 1...3 {
                let error = await providerError {
                    try await router.send(.text("x"), to: customer, session: "s-1", preferred: meta.provider)
                }
                #expect(error?.code == "131016")
            }
            clock.advance(by: .seconds(10))
            let paused = try #require(
                await providerError {
                    try await router.send(.text("x"), to: customer, session: "s-1", preferred: meta.provider)
                })
            #expect(paused.code == "circuit_open")
            #expect(paused.isRetryable)
            #expect(paused.retryAfter == .seconds(20))
            #expect(meta.fake.requests.count == 3)
            // Other sessions are not affected.
            let other = try await router.send(.text("y"), to: customer, session: "s-2", preferred: meta.provider)
            #expect(other.provider == .meta)
        }
    }
}
