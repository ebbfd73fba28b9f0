import Foundation
import PapoHTTP
import PapoTestKit
import Testing

#if canImport(Glibc)
    import Glibc
#endif

extension HTTPClientTests {
    @Test func closedLocalPortFailsWithCouldNotConnect() async throws {
        let refusing = try RefusingPort()
        let client = HTTPClient()
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPClientRequest(url: refusing.baseURL + "/"))
        }
        #expect(error?.code == .couldNotConnect)
        #expect(error?.curlCode == 7)
        #expect(error?.message.isEmpty == false)
        await client.shutdown()
    }

    @Test func slowHandlerHitsTheTotalTimeout() async throws {
        let client = HTTPClient()
        try await TestServer.with { base in
            var request = HTTPClientRequest(url: "\(base)/sleep?ms=2000")
            request.timeout = .milliseconds(300)
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(request)
            }
            // curl's own timeout code: the client gave up; the server would have answered 200.
            #expect(error?.code == .timeout)
            #expect(error?.curlCode == 28)
        }
        await client.shutdown()
    }

    @Test(arguments: ["bytes", "bytes-chunked"])
    func responseOverTheCapFailsWithResponseTooLarge(route: String) async throws {
        let client = HTTPClient(configuration: .init(maxResponseSize: 1024))
        try await TestServer.with { base in
            let small = try await client.execute(HTTPClientRequest(url: "\(base)/\(route)?n=1000"))
            #expect(small.body.count == 1000)

            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPClientRequest(url: "\(base)/\(route)?n=65536"))
            }
            #expect(error?.code == .responseTooLarge)

            var raised = HTTPClientRequest(url: "\(base)/\(route)?n=65536")
            raised.maxResponseSize = 65536
            let large = try await client.execute(raised)
            #expect(large.body.count == 65536)
        }
        await client.shutdown()
    }

    @Test func unresolvableHostFailsWithCouldNotResolveHost() async throws {
        // `.invalid` never resolves (RFC 6761); the short connect timeout keeps the test
        // bounded should a sandbox resolver hang instead of answering.
        let client = HTTPClient(configuration: .init(connectTimeout: .seconds(5)))
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPClientRequest(url: "http://nonexistent.invalid/"))
        }
        #expect(error?.code == .couldNotResolveHost)
        #expect(error?.curlCode == 6)
        await client.shutdown()
    }

    @Test func headerInjectionIsRejectedBeforeSending() async throws {
        let client = HTTPClient()
        let request = HTTPClientRequest(
            url: "http://127.0.0.1:1/", headers: ["X-Evil": "a\r\nX-Injected: b"])
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(request)
        }
        #expect(error?.code == .invalidRequest)
        // The message names the header but never repeats its value.
        #expect(error?.message.contains("X-Evil") == true)
        #expect(error?.message.contains("Injected") == false)
        await client.shutdown()
    }

    @Test func nonHTTPSchemesAreRefused() async throws {
        let client = HTTPClient()
        let error = await #expect(throws: HTTPClientError.self) {
            try await client.execute(HTTPClientRequest(url: "file:///etc/passwd"))
        }
        #expect(error?.code == .invalidRequest)
        #expect(error?.curlCode == 1)
        await client.shutdown()
    }

    @Test func shutdownFailsLaterRequestsAndIsIdempotent() async throws {
        let client = HTTPClient()
        try await TestServer.with { base in
            let first = try await client.execute(HTTPClientRequest(url: "\(base)/hello"))
            #expect(first.status == 200)
            await client.shutdown()
            await client.shutdown()
            let error = await #expect(throws: HTTPClientError.self) {
                try await client.execute(HTTPClientRequest(url: "\(base)/hello"))
            }
            #expect(error?.code == .cancelled)
        }
    }

    @Test func shutdownFailsInFlightRequests() async throws {
        let client = HTTPClient()
        try await TestServer.with { base in
            let pending = Task {
                try await client.execute(HTTPClientRequest(url: "\(base)/sleep?ms=1000"))
            }
            try await Task.sleep(for: .milliseconds(200))
            await client.shutdown()
            let error = await #expect(throws: HTTPClientError.self) { try await pending.value }
            #expect(error?.code == .cancelled)
        }
    }
}
