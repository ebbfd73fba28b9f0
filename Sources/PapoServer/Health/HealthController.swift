import Foundation
public import Hummingbird
import Logging
public import PapoPostgres

/// `/health` (summary), `/health/live` (the process answers) and `/health/ready` (the database
/// answers and every migration is applied; 503 otherwise, so a load balancer holds traffic).
public struct HealthController: Sendable {
    let pool: PostgresPool
    let migrator: Migrator
    let startedAt: ContinuousClock.Instant
    let version: String

    public init(pool: PostgresPool, migrator: Migrator, version: String) {
        self.pool = pool
        self.migrator = migrator
        self.version = version
        startedAt = .now
    }

    public func register(on router: Router<AppRequestContext>) {
        router.get("/health") { _, _ in try await summary() }
        router.get("/health/live") { _, _ in ["status": "live"] }
        router.get("/health/ready") { _, _ -> [String: String] in
            let report = await check()
            guard report.ready else {
                throw APIError(.serviceUnavailable, code: "not_ready", message: report.problem ?? "not ready")
            }
            return ["status": "ready"]
        }
    }

    struct Summary: ResponseEncodable {
        struct Database: Codable {
            var ok: Bool
            var latencyMs: Double?
            var error: String?
            var pool: Pool

            enum CodingKeys: String, CodingKey {
                case ok, error, pool
                case latencyMs = "latency_ms"
            }
        }
        struct Pool: Codable {
            var open: Int
            var idle: Int
            var waiting: Int
            var max: Int
        }
        struct Migrations: Codable {
            var applied: Int
            var pending: [Int]
        }
        var status: String
        var version: String
        var uptimeSeconds: Int
        var database: Database
        var migrations: Migrations?

        enum CodingKeys: String, CodingKey {
            case status, version, database, migrations
            case uptimeSeconds = "uptime_seconds"
        }
    }

    struct Report {
        var ready: Bool
        var problem: String?
        var latency: Duration?
        var status: Migrator.Status?
    }

    func check() async -> Report {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            try await pool.query("SELECT 1")
            let latency = clock.now - start
            let status = try await migrator.status()
            if !status.pending.isEmpty {
                return Report(
                    ready: false,
                    problem: "migrations pending: \(status.pending.map(String.init).joined(separator: ", "))",
                    latency: latency, status: status)
            }
            return Report(ready: true, latency: latency, status: status)
        } catch {
            return Report(ready: false, problem: "database unreachable: \(error)")
        }
    }

    func summary() async throws -> Summary {
        let report = await check()
        let stats = pool.statistics
        let uptime = ContinuousClock.now - startedAt
        return Summary(
            status: report.ready ? "ok" : "degraded", version: version, uptimeSeconds: Int(uptime.components.seconds),
            database: .init(
                ok: report.latency != nil,
                latencyMs: report.latency.map {
                    Double($0.components.attoseconds) / 1e15 + Double($0.components.seconds) * 1000
                },
                error: report.latency == nil ? report.problem : nil,
                pool: .init(
                    open: stats.open, idle: stats.idle, waiting: stats.waiting, max: pool.configuration.maxConnections)),
            migrations: report.status.map { .init(applied: $0.applied.count, pending: $0.pending) })
    }
}
