public import Logging
public import PapoPostgres
import PapoStore
public import ServiceLifecycle

/// Deletes realtime events older than the retention window, now and then, so the table holds
/// what a reconnecting client may still ask for and no more. Webhook deliveries keep their
/// own copy of the payload and are not affected.
public struct EventPurger: Service {
    let pool: PostgresPool
    let retention: Duration
    let interval: Duration
    let logger: Logger

    public init(pool: PostgresPool, retention: Duration, interval: Duration = .seconds(600), logger: Logger) {
        self.pool = pool
        self.retention = retention
        self.interval = interval
        self.logger = logger
    }

    /// Deletes what is past retention; returns how many events went.
    @discardableResult
    public func purgeOnce() async throws -> Int {
        let retention = retention
        return try await pool.withConnection { try EventLog.purge(olderThan: retention, on: $0) }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let purged = try await purgeOnce()
                    if purged > 0 { logger.debug("purged old events", metadata: ["count": "\(purged)"]) }
                } catch {
                    logger.warning("purging old events failed", metadata: ["error": "\(error)"])
                }
                guard (try? await Task.sleep(for: interval)) != nil else { return }
            }
        }
    }
}
