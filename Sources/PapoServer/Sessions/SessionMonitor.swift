public import Foundation
public import Logging
import PapoCore
import PapoProviders
public import PapoStore
public import ServiceLifecycle

/// Keeps sessions honest: runs due Baileys reconnects and checks each connected Meta and Baileys
/// session every ``checkInterval`` — the Graph API must answer the number's details with the
/// stored token, the gateway must report the instance `open`.
///
/// What a check or reconnect finds goes through ``SessionStore/record(_:sessionID:tenantID:backoff:now:)``,
/// so the same policy applies as to gateway webhooks: a transient failure schedules a reconnect
/// with exponential backoff and a bounded number of attempts, a permanent one (a revoked token,
/// a rejected gateway key, a logout from the phone) stops all trying until the session is
/// initialised again. Sessions that stop are never touched again by the monitor.
public struct SessionMonitor: Service {
    let connector: SessionConnector
    /// How often each connected session is checked.
    public let checkInterval: Duration
    /// How often the monitor looks for due work.
    public let pollInterval: Duration
    let logger: Logger

    public init(
        connector: SessionConnector, checkInterval: Duration = .seconds(60), pollInterval: Duration? = nil,
        logger: Logger
    ) {
        self.connector = connector
        self.checkInterval = checkInterval
        self.pollInterval = pollInterval ?? min(checkInterval, .seconds(1))
        self.logger = logger
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await runOnce()
                } catch {
                    logger.warning("session monitor round failed", metadata: ["error": "\(error)"])
                }
                try? await Task.sleep(for: pollInterval)
            }
        }
    }

    /// One round at `now`: due reconnects first, then due checks. Returns how many of each ran.
    @discardableResult
    public func runOnce(now: Date = Date()) async throws -> (reconnects: Int, checks: Int) {
        let reconnects = try await connector.sessions.claimDueReconnects(now: now)
        for session in reconnects {
            await reconnect(session, now: now)
        }
        let checks = try await connector.sessions.claimDueChecks(now: now, interval: checkInterval)
        for session in checks {
            await check(session, now: now)
        }
        return (reconnects.count, checks.count)
    }

    /// Asks the gateway to connect again. Any answer is progress (a QR code to scan, or already
    /// open); a failure counts against the backoff's attempts.
    func reconnect(_ session: SessionDetails, now: Date) async {
        let report: ConnectionReport
        do {
            let provider = try await connector.provider(for: session.record)
            report = Self.report(try await provider.connect())
        } catch {
            report = Self.report(failure: error)
        }
        logger.info(
            "session reconnect",
            metadata: [
                "session_id": "\(session.id.uuidString.lowercased())", "attempt": "\(session.reconnectAttempts)",
                "outcome": "\(report.state.rawValue)",
            ])
        await record(report, for: session, now: now)
    }

    func check(_ session: SessionDetails, now: Date) async {
        do {
            let provider = try await connector.provider(for: session.record)
            let status = try await provider.connectionStatus()
            await record(Self.report(status), for: session, now: now)
        } catch let error as ProviderError where error.isRetryable && session.record.provider == .meta {
            // The Cloud API has nothing to reconnect: note the trouble, keep the status.
            _ = try? await connector.sessions.apply(
                SessionChange(state: session.state, lastError: "health check failed: \(error.message)"),
                sessionID: session.id, tenantID: session.tenantID)
        } catch {
            await record(Self.report(failure: error), for: session, now: now)
        }
    }

    func record(_ report: ConnectionReport, for session: SessionDetails, now: Date) async {
        do {
            try await connector.sessions.record(
                report, sessionID: session.id, tenantID: session.tenantID, backoff: connector.backoff, now: now)
        } catch {
            logger.warning(
                "recording a session's state failed",
                metadata: ["session_id": "\(session.id.uuidString.lowercased())", "error": "\(error)"])
        }
    }

    static func report(_ connection: SessionConnection) -> ConnectionReport {
        ConnectionReport(
            state: connection.state, reasonCode: connection.reasonCode, phoneNumber: connection.phoneNumber?.digits,
            displayName: connection.displayName,
            qr: connection.qrCode.map { LinkCode(code: $0.code, image: $0.base64, pairingCode: $0.pairingCode) },
            detail: connection.state == .connected ? nil : connection.detail)
    }

    /// A transient failure reads as a dropped connection (reconnect with backoff); a permanent
    /// one — credentials refused, instance gone, credentials unreadable — as a refusal.
    static func report(failure error: any Error) -> ConnectionReport {
        guard let error = error as? ProviderError else {
            return ConnectionReport(state: .failed, detail: "the stored credentials cannot be used: \(error)")
        }
        if error.isRetryable {
            return ConnectionReport(state: .disconnected, detail: error.message)
        }
        return ConnectionReport(state: .failed, detail: "the provider refused (\(error.code)): \(error.message)")
    }
}
