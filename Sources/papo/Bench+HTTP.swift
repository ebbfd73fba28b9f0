import Foundation
import Hummingbird
import Logging
import NIOCore
import PapoHTTP
import ServiceLifecycle

extension Bench {
    /// Concurrent requests in the slow burst, and how long each handler sleeps.
    static let burst = 1000
    static let slowHandler = Duration.milliseconds(50)

    /// `PapoHTTP.HTTPClient` against a Hummingbird server on loopback started for the purpose.
    func benchHTTP(into report: inout BenchReport) async throws {
        let count = iterations ?? 2000
        let measured = try await BenchServer.with { base in
            let client = HTTPClient()
            let ping: @Sendable () async -> Bool = {
                (try? await client.execute(HTTPClientRequest(url: "\(base)/ping")))?.text == "pong"
            }
            let slow: @Sendable () async -> Bool = {
                (try? await client.execute(HTTPClientRequest(url: "\(base)/slow")))?.text == "slow"
            }
            BenchSystem.progress("http: GET /ping")
            // Wakes the server's event loops, the client's curl thread and the task pool.
            _ = await BenchRunner.concurrent(count: Self.callers * 4, callers: Self.callers, ping)
            let sequential = await BenchRunner.sequential(count: count, ping)
            let parallel = await BenchRunner.concurrent(count: count, callers: Self.callers, ping)

            BenchSystem.progress("http: \(Self.burst) concurrent GET /slow")
            let before = BenchSystem.threadCount()
            let peak = ThreadPeak()
            let sampler = Task {
                while !Task.isCancelled {
                    peak.sample()
                    try? await Task.sleep(for: .milliseconds(5))
                }
            }
            let burst = await BenchRunner.concurrent(count: Self.burst, callers: Self.burst, slow)
            sampler.cancel()
            _ = await sampler.value
            await client.shutdown()
            return (sequential, parallel, burst, before, peak.value)
        }
        let (sequential, parallel, burst, before, peak) = measured
        report.add("http GET /ping, 1 caller", sequential)
        report.add("http GET /ping, \(Self.callers) callers", parallel)
        report.add("http GET /slow (50 ms), \(Self.burst) callers", burst)
        report.note(
            "http: \(Self.burst) concurrent /slow requests took \(BenchReport.format(burst.wall)) wall; "
                + "threads before \(before), peak during \(peak) (+\(peak - before))")
    }
}

/// A Hummingbird server on 127.0.0.1 with an ephemeral port, alive for one closure.
enum BenchServer {
    struct StartFailure: Error {}

    static func with<T: Sendable>(_ body: (_ baseURL: String) async throws -> T) async throws -> T {
        var logger = Logger(label: "papo.bench.server")
        logger.logLevel = .warning
        let router = Router(context: BasicRequestContext.self)
        router.get("/ping") { _, _ in "pong" }
        router.get("/slow") { _, _ in
            try await Task.sleep(for: Bench.slowHandler)
            return "slow"
        }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            // A backlog above the burst, so no connection waits for a SYN retransmission.
            configuration: .init(address: .hostname("127.0.0.1", port: 0), backlog: 2 * Bench.burst),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        let services = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await services.run() }
            do {
                var iterator = ports.makeAsyncIterator()
                guard let port = await iterator.next(), port > 0 else { throw StartFailure() }
                let result = try await body("http://127.0.0.1:\(port)")
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
                return result
            } catch {
                await services.triggerGracefulShutdown()
                try? await group.waitForAll()
                throw error
            }
        }
    }
}
