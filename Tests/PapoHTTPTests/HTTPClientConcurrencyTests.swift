import Foundation
import PapoHTTP
import Testing

extension HTTPClientTests {
    @Test func cancellingTheTaskAbortsPromptlyAndTheClientKeepsWorking() async throws {
        let client = HTTPClient()
        try await TestServer.with { base in
            let pending = Task {
                try await client.execute(HTTPClientRequest(url: "\(base)/sleep?ms=5000"))
            }
            try await Task.sleep(for: .milliseconds(200))
            let cancelled = ContinuousClock.now
            pending.cancel()
            let result = await pending.result
            #expect(throws: CancellationError.self) { try result.get() }
            // Well before the handler's 5 s answer (the margin absorbs a loaded machine).
            #expect(ContinuousClock.now - cancelled < .milliseconds(2500))

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
}
