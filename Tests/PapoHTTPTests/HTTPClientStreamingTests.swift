import Foundation
import PapoHTTP
import Testing

extension HTTPClientTests {
    @Test func serverSentEventsArriveIncrementally() async throws {
        let client = HTTPClient()
        let gate = Gate()
        try await TestServer.with(gate: gate) { base in
            var request = HTTPClientRequest(url: "\(base)/sse", headers: ["Accept": "text/event-stream"])
            request.timeout = .zero
            let response = try await client.stream(request).ensureSuccess()
            #expect(response.status == 200)
            #expect(response.headers["content-type"] == "text/event-stream")

            var events: [ServerSentEvent] = []
            for try await event in response.serverSentEvents() {
                events.append(event)
                // The server holds the rest of the body until this gate opens, so the first
                // event can only be here if the body is delivered as it arrives.
                if events.count == 1 { gate.open() }
            }
            #expect(
                events == [
                    ServerSentEvent(event: "first", data: "hello", id: "1"),
                    ServerSentEvent(data: "after-gate\nsecond line"),
                    ServerSentEvent(event: "done", data: "[DONE]"),
                ])
        }
        await client.shutdown()
    }

    @Test func streamedErrorStatusIsReportedWithItsBody() async throws {
        let client = HTTPClient()
        try await TestServer.with { base in
            let response = try await client.stream(HTTPClientRequest(url: "\(base)/status/503"))
            #expect(response.status == 503)
            let error = await #expect(throws: HTTPClientError.self) {
                try await response.ensureSuccess()
            }
            #expect(error?.code == .httpStatus)
            #expect(error?.status == 503)
            #expect(error?.body.map { String(decoding: $0, as: UTF8.self) } == "status 503 body")
        }
        await client.shutdown()
    }

    @Test func streamingBodyOverTheCapThrowsFromTheBody() async throws {
        let client = HTTPClient()
        try await TestServer.with { base in
            var request = HTTPClientRequest(url: "\(base)/bytes-chunked?n=65536")
            request.maxResponseSize = 4096
            let response = try await client.stream(request)
            #expect(response.status == 200)
            var received = 0
            let error = await #expect(throws: HTTPClientError.self) {
                for try await chunk in response.body { received += chunk.count }
            }
            #expect(error?.code == .responseTooLarge)
            #expect(received <= 4096)
        }
        await client.shutdown()
    }

    @Test func streamingConnectFailureThrowsBeforeHeaders() async throws {
        let client = HTTPClient(configuration: .init(connectTimeout: .seconds(5)))
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.stream(HTTPClientRequest(url: "http://nonexistent.invalid/"))
        }
        #expect(error?.code == .couldNotResolveHost)
        await client.shutdown()
    }
}
