import ArgumentParser
import Foundation
import Logging
import PapoPostgres
import Synchronization

#if canImport(Glibc)
    import Glibc
#endif

/// `papo bench`: prints latency and throughput figures for plugin calls, HTTP client requests
/// and database round trips. It measures, it does not judge: there are no thresholds.
struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure plugin calls, HTTP client requests and database round trips (prints figures).",
        subcommands: [BenchEngine.self])

    enum Area: String, ExpressibleByArgument, CaseIterable {
        case plugins
        case http
        case db
    }

    @Option(help: "Calls per measurement (default: 2000, or 200 for isolated plugin calls).")
    var iterations: Int?

    @Option(help: "Run one area only: plugins, http or db.")
    var only: Area?

    /// Concurrent callers in the "N callers" rows.
    static let callers = 8

    func validate() throws {
        if let iterations, iterations < 1 { throw ValidationError("--iterations must be at least 1") }
    }

    func run() async throws {
        // 1,000 concurrent loopback requests need about 2,000 descriptors (client and server).
        BenchSystem.raiseOpenFileLimit(to: 8192)
        var report = BenchReport()
        #if DEBUG
            report.note("debug build: figures are pessimistic; build with -c release for real numbers")
        #endif
        let cores = ProcessInfo.processInfo.activeProcessorCount
        report.note("\(cores) cores, \(BenchSystem.threadCount()) threads at start")
        for area in only.map({ [$0] }) ?? Area.allCases {
            switch area {
            case .plugins: await benchPlugins(into: &report)
            case .http: try await benchHTTP(into: &report)
            case .db: await benchDatabase(into: &report)
            }
        }
        print(report.render())
    }

    /// A logger that stays quiet unless something goes really wrong.
    static var quietLogger: Logger {
        var logger = Logger(label: "papo.bench")
        logger.logLevel = .error
        return logger
    }

    /// PostgreSQL round trips (`SELECT 1`) through the pool, when `DATABASE_URL` names a server.
    func benchDatabase(into report: inout BenchReport) async {
        guard let url = ProcessInfo.processInfo.environment["DATABASE_URL"], !url.isEmpty else {
            report.note("db: skipped (DATABASE_URL is not set)")
            return
        }
        let pool: PostgresPool
        do {
            let configuration = try PostgresConfiguration(connectionString: url, maxConnections: Self.callers)
            pool = PostgresPool(configuration: configuration, logger: Self.quietLogger)
            try await pool.query("SELECT 1")
        } catch {
            report.note("db: skipped (\(error))")
            return
        }
        let count = iterations ?? 2000
        let roundTrip: @Sendable () async -> Bool = { (try? await pool.query("SELECT 1 AS one"))?.count == 1 }
        BenchSystem.progress("db: SELECT 1 round trips")
        // Opens every connection before measuring.
        _ = await BenchRunner.concurrent(count: Self.callers * 4, callers: Self.callers, roundTrip)
        report.add("db SELECT 1, 1 caller", await BenchRunner.sequential(count: count, roundTrip))
        report.add(
            "db SELECT 1, \(Self.callers) callers",
            await BenchRunner.concurrent(count: count, callers: Self.callers, roundTrip))
        await pool.close()
    }
}

/// The latencies of one measurement's calls and the wall time of the whole run.
struct BenchResult {
    var latencies: [Duration]
    var wall: Duration
    var errors: Int
}

/// Runs calls one after the other or from several concurrent callers, timing each.
enum BenchRunner {
    static func sequential(count: Int, _ call: @Sendable () async -> Bool) async -> BenchResult {
        let clock = ContinuousClock()
        var latencies: [Duration] = []
        latencies.reserveCapacity(count)
        var errors = 0
        let start = clock.now
        for _ in 0..<count {
            let began = clock.now
            let succeeded = await call()
            latencies.append(began.duration(to: clock.now))
            if !succeeded { errors += 1 }
        }
        return BenchResult(latencies: latencies, wall: start.duration(to: clock.now), errors: errors)
    }

    /// `count` calls shared out between `callers` tasks, each calling one after the other.
    static func concurrent(
        count: Int, callers: Int, _ call: @escaping @Sendable () async -> Bool
    ) async -> BenchResult {
        let start = ContinuousClock.now
        let parts = await withTaskGroup(of: BenchResult.self) { group in
            for caller in 0..<callers {
                let share = count / callers + (caller < count % callers ? 1 : 0)
                group.addTask { await sequential(count: share, call) }
            }
            var parts: [BenchResult] = []
            for await part in group { parts.append(part) }
            return parts
        }
        return BenchResult(
            latencies: parts.flatMap(\.latencies), wall: start.duration(to: .now),
            errors: parts.reduce(0) { $0 + $1.errors })
    }
}

/// The rows of the final table, and notes printed under it.
struct BenchReport {
    private var rows: [[String]] = []
    private var notes: [String] = []

    mutating func add(_ name: String, _ result: BenchResult) {
        let sorted = result.latencies.sorted()
        let count = sorted.count
        func percentile(_ fraction: Double) -> String {
            guard count > 0 else { return "-" }
            let rank = Int((fraction * Double(count)).rounded(.up))
            return Self.format(sorted[min(max(rank, 1), count) - 1])
        }
        let mean = count > 0 ? Self.format(sorted.reduce(.zero, +) / count) : "-"
        let wall = result.wall.seconds
        let throughput = wall > 0 ? String(format: "%.1f", Double(count) / wall) : "-"
        rows.append([
            name, "\(count)", "\(result.errors)", Self.format(result.wall), mean, percentile(0.50), percentile(0.95),
            percentile(0.99), throughput,
        ])
    }

    /// Adds a note, on one line (database errors span several).
    mutating func note(_ text: String) {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        notes.append(lines.joined(separator: " "))
    }

    /// The table, first column left-aligned and the figures right-aligned, then the notes.
    func render() -> String {
        let header = ["measurement", "count", "errors", "total", "mean", "p50", "p95", "p99", "per second"]
        let table = [header] + rows
        let widths = header.indices.map { column in table.map { $0[column].count }.max() ?? 0 }
        func line(_ row: [String]) -> String {
            row.indices.map { column in
                let padding = String(repeating: " ", count: widths[column] - row[column].count)
                return column == 0 ? row[column] + padding : padding + row[column]
            }.joined(separator: "  ")
        }
        let rule = widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")
        return ([line(header), rule] + rows.map(line) + [""] + notes.map { "* " + $0 }).joined(separator: "\n")
    }

    static func format(_ duration: Duration) -> String {
        let seconds = duration.seconds
        if seconds >= 1 { return String(format: "%.3f s", seconds) }
        if seconds >= 0.001 { return String(format: "%.2f ms", seconds * 1000) }
        return String(format: "%.1f µs", seconds * 1_000_000)
    }
}

extension Duration {
    var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}

/// Process facts the figures depend on.
enum BenchSystem {
    /// The `Threads:` line of /proc/self/status (-1 where there is none).
    static func threadCount() -> Int {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return -1 }
        for line in status.split(separator: "\n") where line.hasPrefix("Threads:") {
            return Int(line.dropFirst("Threads:".count).trimmingCharacters(in: .whitespaces)) ?? -1
        }
        return -1
    }

    static func raiseOpenFileLimit(to wanted: UInt64) {
        #if canImport(Glibc)
            var limit = rlimit()
            guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
            guard limit.rlim_cur < wanted else { return }
            limit.rlim_cur = min(rlim_t(wanted), limit.rlim_max)
            _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        #endif
    }

    /// What is running now, on standard error so the table on standard output stays clean.
    static func progress(_ text: String) {
        FileHandle.standardError.write(Data(("bench: " + text + "\n").utf8))
    }
}

/// The highest thread count sampled so far.
final class ThreadPeak: Sendable {
    private let peak = Mutex(BenchSystem.threadCount())

    func sample() {
        let now = BenchSystem.threadCount()
        peak.withLock { $0 = max($0, now) }
    }

    var value: Int { peak.withLock { $0 } }
}
