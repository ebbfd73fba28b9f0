import Foundation
import PapoHTTP
import Synchronization
import Testing

extension HTTPClientTests {
    @Test func cancellingTheTaskAbortsPromptlyAndTheClientKeepsWorking() async throws {
        let client = HTTPClient()
        try await TestServer.with { base in
            let pending = Task {
                try await client.execute(HTTPClientRequest(url: "\(base)/sleep?ms=1500"))
            }
            try await Task.sleep(for: .milliseconds(200))
            let cancelled = ContinuousClock.now
            pending.cancel()
            let result = await pending.result
            #expect(throws: CancellationError.self) { try result.get() }
            // Well before the handler's 1.5 s answer.
            #expect(ContinuousClock.now - cancelled < .milliseconds(1000))

            let after = try await client.execute(HTTPClientRequest(url: "\(base)/hello"))
            #expect(after.text == "hello")
        }
        await client.shutdown()
    }

    @Test func alreadyCancelledTaskThrowsWithoutSending() async throws {
        let client = HTTPClient()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:1/"))
        }
        let result = await task.result
        #expect(throws: CancellationError.self) { try result.get() }
        await client.shutdown()
    }

    @Test func cancellingAStreamReaderAbortsTheTransfer() async throws {
        let client = HTTPClient()
        let gate = Gate()
        try await TestServer.with(gate: gate) { base in
            let reader = Task {
                let response = try await client.stream(HTTPClientRequest(url: "\(base)/sse"))
                var count = 0
                for try await _ in response.serverSentEvents() { count += 1 }
                return count
            }
            try await Task.sleep(for: .milliseconds(200))
            reader.cancel()
            gate.open()
            let outcome = await reader.result
            // Either the iteration ended early or it threw; it must not have read everything.
            let count = (try? outcome.get()) ?? 0
            #expect(count < 3)
            let after = try await client.execute(HTTPClientRequest(url: "\(base)/hello"))
            #expect(after.status == 200)
        }
        await client.shutdown()
    }

    @Test func fiveHundredConcurrentRequestsShareOneThread() async throws {
        let client = HTTPClient()
        try await TestServer.with { base in
            // Warm up the server's event loops, the client's curl thread and the task pool
            // before taking the baseline.
            _ = try await client.execute(HTTPClientRequest(url: "\(base)/hello"))
            let baseline = processThreadCount()
            #expect(baseline > 0)

            let peak = Mutex(baseline)
            let sampling = Task {
                while !Task.isCancelled {
                    let now = processThreadCount()
                    peak.withLock { $0 = max($0, now) }
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
            let growth = peak.withLock { $0 } - baseline
            #expect(growth <= 4, "thread count grew by \(growth)")
        }
        await client.shutdown()
    }
}
