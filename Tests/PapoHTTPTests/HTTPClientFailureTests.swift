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

extension HTTPClientTests {
    @Test func internalAddressesAreRefusedWhenAsked() async throws {
        let client = HTTPClient()
        try await TestServer.with { base in
            // Loopback by number and by name (which resolves after the check could be fooled by text).
            let port = base.split(separator: ":").last.map(String.init) ?? ""
            for url in ["\(base)/hello", "http://localhost:\(port)/hello"] {
                var request = HTTPClientRequest(url: url)
                request.refuseInternalAddresses = true
                let error = await #expect(throws: HTTPClientError.self) { try await client.execute(request) }
                #expect(error?.code == .blockedAddress, "\(url)")
            }
            // The same request without the guard goes through.
            let allowed = try await client.execute(HTTPClientRequest(url: "\(base)/hello"))
            #expect(allowed.text == "hello")
        }
        await client.shutdown()
    }

    @Test func addressClassification() {
        let inside = [
            "127.0.0.1", "10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.0.10", "169.254.169.254",
            "100.64.0.1", "0.0.0.0", "224.0.0.1", "255.255.255.255", "198.18.0.1", "192.0.0.8", "::1", "::",
            "fe80::1", "fd00::1", "ff02::1", "::ffff:127.0.0.1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "not an address",
        ]
        let external = [
            "8.8.8.8", "1.1.1.1", "172.32.0.1", "100.128.0.1", "192.169.0.1", "2001:4860:4860::8888",
            "::ffff:8.8.8.8", "2606:4700::1111",
        ]
        for address in inside { #expect(HTTPClientRequest.isInternalAddress(address), "\(address)") }
        for address in external { #expect(!HTTPClientRequest.isInternalAddress(address), "\(address)") }
    }
}
