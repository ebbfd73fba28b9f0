import PapoCore
import Testing

struct BackoffTests {
    @Test func ceilingDoublesUpToTheCap() {
        let backoff = Backoff(base: .milliseconds(100), cap: .seconds(1), maxAttempts: 10)
        #expect(backoff.ceiling(afterAttempt: 1) == .milliseconds(100))
        #expect(backoff.ceiling(afterAttempt: 2) == .milliseconds(200))
        #expect(backoff.ceiling(afterAttempt: 4) == .milliseconds(800))
        #expect(backoff.ceiling(afterAttempt: 5) == .seconds(1))
        #expect(backoff.ceiling(afterAttempt: 500) == .seconds(1))
    }

    @Test func fullJitterStaysWithinTheCeilingAndIsReproducible() {
        let backoff = Backoff(base: .milliseconds(100), cap: .seconds(2), maxAttempts: 8)
        var first = SplitMix64(seed: 42)
        var second = SplitMix64(seed: 42)
        var delays: [Duration] = []
        for attempt in 1..<8 {
            let delay = backoff.delay(afterAttempt: attempt, using: &first)!
            #expect(delay >= .zero)
            #expect(delay <= backoff.ceiling(afterAttempt: attempt))
            let replayed = backoff.delay(afterAttempt: attempt, using: &second)
            #expect(delay == replayed)
            delays.append(delay)
        }
        // Jitter actually varies: not every draw is the same fraction of its ceiling.
        #expect(Set(delays).count == delays.count)
    }

    @Test func attemptsRunOut() {
        let backoff = Backoff(base: .seconds(1), cap: .seconds(10), maxAttempts: 3)
        var generator = SplitMix64(seed: 1)
        let second = backoff.delay(afterAttempt: 2, using: &generator)
        let third = backoff.delay(afterAttempt: 3, using: &generator)
        #expect(second != nil)
        #expect(third == nil)
    }

    @Test func retryAfterIsAFloor() {
        let backoff = Backoff(base: .milliseconds(10), cap: .milliseconds(20), maxAttempts: 5)
        var generator = SplitMix64(seed: 7)
        let delay = backoff.delay(afterAttempt: 1, notBefore: .seconds(30), using: &generator)
        #expect(delay == .seconds(30))
    }
}
