import PapoCore
import Testing

struct CircuitBreakerTests {
    let start = ContinuousClock.now
    let configuration = CircuitBreaker.Configuration(failureThreshold: 3, coolDown: .seconds(30))

    @Test func opensAfterConsecutiveFailuresAndRefusesDuringCoolDown() {
        var breaker = CircuitBreaker(configuration: configuration)
        for second in 0..<2 {
            let admitted = breaker.acquire(at: start + .seconds(second))
            #expect(admitted)
            breaker.recordFailure(at: start + .seconds(second))
            #expect(breaker.state(at: start + .seconds(second)) == .closed)
        }
        #expect(breaker.consecutiveFailures == 2)
        breaker.recordFailure(at: start + .seconds(2))
        #expect(breaker.state(at: start + .seconds(2)) == .open)
        let admittedWhileOpen = breaker.acquire(at: start + .seconds(10))
        #expect(!admittedWhileOpen)
        #expect(breaker.remainingCoolDown(at: start + .seconds(12)) == .seconds(20))
    }

    @Test func aSuccessResetsTheCount() {
        var breaker = CircuitBreaker(configuration: configuration)
        breaker.recordFailure(at: start)
        breaker.recordFailure(at: start)
        breaker.recordSuccess()
        breaker.recordFailure(at: start)
        breaker.recordFailure(at: start)
        #expect(breaker.state(at: start) == .closed)
        #expect(breaker.consecutiveFailures == 2)
    }

    @Test func halfOpensAfterCoolDownAndClosesOnSuccess() {
        var breaker = CircuitBreaker(configuration: configuration)
        for _ in 0..<3 { breaker.recordFailure(at: start) }
        let later = start + .seconds(30)
        #expect(breaker.state(at: later) == .halfOpen)
        var admitted = breaker.acquire(at: later)
        #expect(admitted)
        // Only one trial at a time.
        admitted = breaker.acquire(at: later + .seconds(1))
        #expect(!admitted)
        breaker.recordSuccess()
        #expect(breaker.state(at: later + .seconds(1)) == .closed)
        admitted = breaker.acquire(at: later + .seconds(1))
        #expect(admitted)
    }

    @Test func aFailedTrialReopensForAnotherCoolDown() {
        var breaker = CircuitBreaker(configuration: configuration)
        for _ in 0..<3 { breaker.recordFailure(at: start) }
        let trial = start + .seconds(31)
        var admitted = breaker.acquire(at: trial)
        #expect(admitted)
        breaker.recordFailure(at: trial)
        #expect(breaker.state(at: trial + .seconds(29)) == .open)
        admitted = breaker.acquire(at: trial + .seconds(29))
        #expect(!admitted)
        admitted = breaker.acquire(at: trial + .seconds(30))
        #expect(admitted)
    }

    @Test func aLostTrialDoesNotWedgeTheBreaker() {
        var breaker = CircuitBreaker(configuration: configuration)
        for _ in 0..<3 { breaker.recordFailure(at: start) }
        var admitted = breaker.acquire(at: start + .seconds(30))
        #expect(admitted)
        // The trial never reports back; after another cool-down a new trial goes through.
        admitted = breaker.acquire(at: start + .seconds(59))
        #expect(!admitted)
        admitted = breaker.acquire(at: start + .seconds(60))
        #expect(admitted)
    }

    @Test func lateFailuresDoNotExtendTheCoolDown() {
        var breaker = CircuitBreaker(configuration: configuration)
        for _ in 0..<3 { breaker.recordFailure(at: start) }
        breaker.recordFailure(at: start + .seconds(20))
        let admitted = breaker.acquire(at: start + .seconds(30))
        #expect(admitted)
    }
}
