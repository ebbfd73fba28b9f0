/// What to do when a provider reports a session's connection: the reconnect policy, with no I/O.
///
/// Baileys closes a socket for many reasons (baileys-gateway.md, `DisconnectReason`). Most are
/// transient — connection lost (408), closed (428), restart required (515), service unavailable
/// (503) — and are worth a reconnect after a growing pause. A few mean the link itself is gone
/// and retrying only loops: logged out from the phone (401) needs a new QR scan; forbidden (403),
/// 402 and 406 need a person. Field reports of gateways that "reconnect forever" or "silently
/// die" come from getting this split wrong, so every reconnect is also bounded by the backoff's
/// attempt limit.
public enum SessionRecovery {
    /// The reaction to a report.
    public enum Decision: Sendable, Hashable {
        /// Linked and working: clear the reconnect count.
        case connected
        /// Waiting for a QR scan or a pairing code.
        case awaitingLink
        /// The provider is connecting on its own; keep the current plan.
        case connecting
        /// Try to reconnect after `delay`; this will be attempt number `attempt`.
        case reconnect(attempt: Int, delay: Duration)
        /// Stop trying until the session is initialised again, in `state`, saying `reason`.
        case stop(SessionState, reason: String)
    }

    /// Close codes after which reconnecting cannot help.
    public static let permanentCloseCodes: Set<Int> = [401, 402, 403, 406]

    /// Decides what a reported `state` (with the provider's `reasonCode`) means, given how many
    /// reconnects already failed since the session was last connected.
    public static func decide(
        state: SessionState, reasonCode: Int?, failedAttempts: Int, backoff: Backoff,
        using generator: inout some RandomNumberGenerator
    ) -> Decision {
        switch state {
        case .connected:
            return .connected
        case .qr:
            return .awaitingLink
        case .connecting:
            return .connecting
        case .loggedOut:
            return .stop(
                .loggedOut, reason: "logged out from the phone; initialise the session again for a new QR code")
        case .failed:
            return .stop(.failed, reason: "the provider refused the session" + reasonText(reasonCode))
        case .disconnected:
            if let reasonCode, reasonCode == 401 {
                return .stop(
                    .loggedOut, reason: "logged out from the phone; initialise the session again for a new QR code")
            }
            if let reasonCode, permanentCloseCodes.contains(reasonCode) {
                return .stop(.failed, reason: "the connection was closed for good" + reasonText(reasonCode))
            }
            return retry(afterFailures: failedAttempts, backoff: backoff, using: &generator)
        }
    }

    /// The next reconnect after `failedAttempts` failures, or the stop once the backoff's
    /// attempts are used up.
    public static func retry(
        afterFailures failedAttempts: Int, backoff: Backoff, using generator: inout some RandomNumberGenerator
    ) -> Decision {
        let attempt = failedAttempts + 1
        guard let delay = backoff.delay(afterAttempt: attempt, using: &generator) else {
            return .stop(
                .failed, reason: "gave up after \(failedAttempts) reconnect attempts; initialise the session again")
        }
        return .reconnect(attempt: attempt, delay: delay)
    }

    /// ``decide(state:reasonCode:failedAttempts:backoff:using:)`` with the system's generator.
    public static func decide(state: SessionState, reasonCode: Int?, failedAttempts: Int, backoff: Backoff) -> Decision
    {
        var generator = SystemRandomNumberGenerator()
        return decide(
            state: state, reasonCode: reasonCode, failedAttempts: failedAttempts, backoff: backoff, using: &generator)
    }

    private static func reasonText(_ code: Int?) -> String {
        code.map { " (reason \($0))" } ?? ""
    }
}
