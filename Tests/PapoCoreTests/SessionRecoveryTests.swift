import PapoCore
import Testing

@Suite("Session recovery policy")
struct SessionRecoveryTests {
    let backoff = Backoff(base: .seconds(2), cap: .seconds(30), maxAttempts: 4)

    func decide(_ state: SessionState, _ reason: Int?, failures: Int = 0) -> SessionRecovery.Decision {
        var generator = SplitMix64(seed: 42)
        return SessionRecovery.decide(
            state: state, reasonCode: reason, failedAttempts: failures, backoff: backoff, using: &generator)
    }

    @Test("transient closes reconnect within the growing ceiling, until the attempts run out")
    func transient() {
        for code in [408, 428, 440, 500, 503, 515] {
            guard case .reconnect(let attempt, let delay) = decide(.disconnected, code) else {
                Issue.record("close \(code) should reconnect")
                continue
            }
            #expect(attempt == 1 && delay <= .seconds(2))
        }
        guard case .reconnect(let attempt, let delay) = decide(.disconnected, 428, failures: 2) else {
            Issue.record("the third reconnect is still allowed")
            return
        }
        #expect(attempt == 3 && delay <= .seconds(8))
        guard case .stop(.failed, let reason) = decide(.disconnected, 428, failures: 3) else {
            Issue.record("after three failed reconnects the policy gives up")
            return
        }
        #expect(reason.contains("gave up after 3"))
    }

    @Test("logged out and refusals stop at once, whatever the failure count")
    func permanent() {
        #expect(decide(.disconnected, 401) == .stop(.loggedOut, reason: decide(.loggedOut, nil).reason))
        for code in [402, 403, 406] {
            guard case .stop(.failed, _) = decide(.disconnected, code) else {
                Issue.record("close \(code) must not reconnect")
                continue
            }
        }
        guard case .stop(.loggedOut, _) = decide(.loggedOut, nil) else {
            Issue.record("a logout stops")
            return
        }
        #expect(decide(.connected, nil) == .connected)
        #expect(decide(.qr, nil) == .awaitingLink)
        #expect(decide(.connecting, nil) == .connecting)
    }
}

extension SessionRecovery.Decision {
    var reason: String {
        if case .stop(_, let reason) = self { return reason }
        return ""
    }
}
