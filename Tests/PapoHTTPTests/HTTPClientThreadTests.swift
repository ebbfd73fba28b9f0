import Foundation
import PapoHTTP
import Synchronization
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// Thread counting looks at the whole process, so these run on their own: `scripts/test.sh`
/// runs this suite in a second `swift test` process after everything else, where no other
/// suite's threads can come and go during the burst.
@Suite(.serialized)
struct HTTPClientThreadTests {
    @Test func fiveHundredConcurrentRequestsShareOneThread() async throws {
        let client = HTTPClient()
        try await TestServer.with { base in
            // Warm up the server's event loops, the client's curl thread and the task pool
            // before taking the baseline.
            _ = try await client.execute(HTTPClientRequest(url: "\(base)/hello"))
            let baseline = processThreadCount()
            #expect(baseline > 0)

            let peak = ThreadCountPeak(baseline)
            let sampling = Task {
                while !Task.isCancelled {
                    peak.sample()
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
            let bodies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
                for id in 0..<500 {
                    group.addTask {
                        let response = try await client.execute(
                            HTTPClientRequest(url: "\(base)/slow-id?id=\(id)&ms=300"))
                        return (id, response.text)
                    }
                }
                var bodies: [Int: String] = [:]
                for try await (id, text) in group { bodies[id] = text }
                return bodies
            }
            sampling.cancel()
            _ = await sampling.result

            #expect(bodies.count == 500)
            #expect(bodies.allSatisfy { $0.value == "id \($0.key)" })
            let growth = peak.value - baseline
            #expect(growth <= 4, "thread count grew by \(growth)")
        }
        await client.shutdown()
    }

    /// One client, 1,000 requests in flight at once against handlers that each sleep 100 ms:
    /// every one answers, and the client does not buy concurrency with threads. Timing is the
    /// benchmark's business (`papo bench`), not this test's.
    @Test func aThousandConcurrentSlowRequestsCompleteOnBoundedThreads() async throws {
        // About 2,000 descriptors are open at the peak (client and server ends).
        raiseOpenFileLimit(to: 8192)
        let client = HTTPClient()
        try await TestServer.with { base in
            // Warm up the server's event loops, the client's curl thread and the task pool
            // before taking the baseline.
            _ = try await client.execute(HTTPClientRequest(url: "\(base)/hello"))
            let baseline = processThreadCount()
            #expect(baseline > 0)

            let peak = ThreadCountPeak(baseline)
            let sampling = Task {
                while !Task.isCancelled {
                    peak.sample()
                    try? await Task.sleep(for: .milliseconds(10))
                }
            }
            let responses = try await withThrowingTaskGroup(of: (Int, Int, String).self) { group in
                for id in 0..<1000 {
                    group.addTask {
                        let response = try await client.execute(
                            HTTPClientRequest(url: "\(base)/slow-id?id=\(id)&ms=100"))
                        return (id, response.status, response.text)
                    }
                }
                var responses: [Int: (status: Int, text: String)] = [:]
                for try await (id, status, text) in group { responses[id] = (status, text) }
                return responses
            }
            sampling.cancel()
            _ = await sampling.result

            #expect(responses.count == 1000)
            #expect(responses.values.allSatisfy { $0.status == 200 })
            let wrong = responses.filter { $0.value.text != "id \($0.key)" }.keys.sorted()
            #expect(wrong.isEmpty, "wrong bodies for ids \(wrong.prefix(10))")
            let growth = peak.value - baseline
            #expect(growth <= 16, "thread count grew by \(growth) (baseline \(baseline))")
        }
        await client.shutdown()
    }
}

/// The highest thread count sampled during a burst.
private final class ThreadCountPeak: Sendable {
    private let peak: Mutex<Int>

    init(_ initial: Int) {
        peak = Mutex(initial)
    }

    func sample() {
        let now = processThreadCount()
        peak.withLock { $0 = max($0, now) }
    }

    var value: Int { peak.withLock { $0 } }
}

/// Raises the soft limit on open files (never above the hard limit): the common default of
/// 1,024 is too few for 1,000 loopback connections, whose both ends live in this process.
private func raiseOpenFileLimit(to wanted: UInt64) {
    #if canImport(Glibc)
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        guard limit.rlim_cur < wanted else { return }
        limit.rlim_cur = min(rlim_t(wanted), limit.rlim_max)
        _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
    #endif
}
