import Foundation
import PapoHTTP
import Testing

/// Integration tests against a real Hummingbird server on loopback. The thread-counting tests
/// live in `HTTPClientThreadTests`, which runs in a process of its own.
@Suite(.serialized)
struct HTTPClientTests {
    @Test func getReturnsBodyAndResponseHeaders() async throws {
        let client = HTTPClient()
        try await TestServer.with { base in
            let response = try await client.execute(HTTPClientRequest(url: "\(base)/hello"))
            #expect(response.status == 200)
            #expect(response.text == "hello")
            #expect(response.headers["content-type"] == "text/plain")
            #expect(response.headers["X-CUSTOM"] == "one")
            #expect(response.headers["content-length"] == "5")
            #expect(response.headers["x-missing"] == nil)
        }
        await client.shutdown()
    }

    @Test func repeatedHeadersKeepEveryValueInOrder() async throws {
        let client = HTTPClient()
        try await TestServer.with { base in
            let response = try await client.execute(HTTPClientRequest(url: "\(base)/multi-headers"))
            #expect(response.headers.values(for: "x-multi") == ["a", "b"])
            #expect(response.headers["X-Multi"] == "a")
        }
        await client.shutdown()
    }

    @Test func postJSONRoundTripEchoesBodyAndHeaders() async throws {
        let client = HTTPClient()
        try await TestServer.with { base in
            let request = try HTTPClientRequest(
                url: "\(base)/echo",
                headers: ["X-Request-Id": "req-42", "Authorization": "Bearer secret-token"],
                json: Payload(text: "olá, mundo", number: 42))
            let response = try await client.execute(request).ensureSuccess()
            let reply = try response.decode(EchoReply.self)
            #expect(
                reply
                    == EchoReply(
                        method: "POST", body: Payload(text: "olá, mundo", number: 42),
                        requestID: "req-42", authorization: "Bearer secret-token",
                        contentType: "application/json"))
            #expect(response.headers["Content-Type"]?.hasPrefix("application/json") == true)
        }
        await client.shutdown()
    }

    @Test func getJSONEchoesMethodAndSendsNoBodyHeaders() async throws {
        let client = HTTPClient()
        try await TestServer.with { base in
            let request = HTTPClientRequest(url: "\(base)/echo", headers: ["X-Request-Id": "get-1"])
            let reply = try await client.execute(request).decode(EchoReply.self)
            #expect(reply == EchoReply(method: "GET", requestID: "get-1"))
        }
        await client.shutdown()
    }

    @Test(arguments: [HTTPClientRequest.Method.put, .patch, .delete])
    func otherMethodsReachTheServerWithTheirBody(method: HTTPClientRequest.Method) async throws {
        let client = HTTPClient()
        try await TestServer.with { base in
            let payload = method == .delete ? nil : Payload(text: "changed", number: 7)
            var request = HTTPClientRequest(method: method, url: "\(base)/echo")
            if let payload {
                request = try HTTPClientRequest(method: method, url: "\(base)/echo", json: payload)
            }
            let reply = try await client.execute(request).ensureSuccess().decode(EchoReply.self)
            #expect(reply.method == method.rawValue)
            #expect(reply.body == payload)
        }
        await client.shutdown()
    }

    @Test func headReturnsHeadersWithoutBodyOrSizeCap() async throws {
        let client = HTTPClient(configuration: .init(maxResponseSize: 1024))
        try await TestServer.with { base in
            let response = try await client.execute(
                HTTPClientRequest(method: .head, url: "\(base)/bytes?n=100000"))
            #expect(response.status == 200)
            #expect(response.headers["content-length"] == "100000")
            #expect(response.body.isEmpty)
        }
        await client.shutdown()
    }

    @Test(arguments: [404, 500])
    func errorStatusKeepsBodyAndEnsureSuccessThrows(code: Int) async throws {
        let client = HTTPClient()
        try await TestServer.with { base in
            let response = try await client.execute(HTTPClientRequest(url: "\(base)/status/\(code)"))
            #expect(response.status == code)
            #expect(response.isSuccess == false)
            #expect(response.text == "status \(code) body")
            let error = #expect(throws: HTTPClientError.self) { try response.ensureSuccess() }
            #expect(error?.code == .httpStatus)
            #expect(error?.status == code)
            #expect(error?.body.map { String(decoding: $0, as: UTF8.self) } == "status \(code) body")
        }
        await client.shutdown()
    }

    @Test func redirectsAreNotFollowedByDefault() async throws {
        let client = HTTPClient()
        try await TestServer.with { base in
            let response = try await client.execute(HTTPClientRequest(url: "\(base)/redirect"))
            #expect(response.status == 302)
            #expect(response.headers["location"] == "/hello")
        }
        await client.shutdown()
    }

    @Test func followedRedirectReportsOnlyTheLastResponsesHeaders() async throws {
        let client = HTTPClient()
        try await TestServer.with { base in
            var request = HTTPClientRequest(url: "\(base)/redirect")
            request.followRedirects = true
            let response = try await client.execute(request)
            #expect(response.status == 200)
            #expect(response.text == "hello")
            #expect(response.headers["x-custom"] == "one")
            #expect(response.headers["x-redirect-hop"] == nil)
            #expect(response.headers["location"] == nil)
        }
        await client.shutdown()
    }

    @Test func multipartUploadArrivesPartByPart() async throws {
        let client = HTTPClient()
        let file = Data((0..<100_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        try await TestServer.with { base in
            let form = MultipartForm([
                .field(name: "caption", value: "a photo"),
                .file(name: "media", filename: "photo.jpg", contentType: "image/jpeg", data: file),
            ])
            let request = HTTPClientRequest(method: .post, url: "\(base)/upload", multipart: form)
            let parts = try await client.execute(request).ensureSuccess().decode([ParsedPart].self)
            #expect(parts.count == 2)
            #expect(parts.first?.name == "caption")
            #expect(parts.first?.filename == nil)
            #expect(parts.first?.text == "a photo")
            #expect(parts.last?.name == "media")
            #expect(parts.last?.filename == "photo.jpg")
            #expect(parts.last?.contentType == "image/jpeg")
            #expect(parts.last?.size == 100_000)
            #expect(parts.last?.checksum == file.reduce(0) { $0 &+ UInt32($1) })
        }
        await client.shutdown()
    }
}
