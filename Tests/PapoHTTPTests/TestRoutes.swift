import Foundation
import Hummingbird
import NIOCore

/// What `/echo` sends back, so tests can check that method, body and headers arrived intact.
struct EchoReply: ResponseEncodable, Decodable, Equatable {
    var method: String
    var body: Payload?
    var requestID: String?
    var authorization: String?
    var contentType: String?
}

struct Payload: Codable, Equatable {
    var text: String
    var number: Int
}

/// The fake server's routes; each one is a wire behaviour a test relies on.
enum TestRoutes {
    static func makeRouter(gate: Gate) -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/hello") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/plain", .init("X-Custom")!: "one"],
                body: .init(byteBuffer: ByteBuffer(string: "hello")))
        }
        router.get("/multi-headers") { _, _ in
            var headers = HTTPFields()
            headers.append(.init(name: .init("X-Multi")!, value: "a"))
            headers.append(.init(name: .init("X-Multi")!, value: "b"))
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "ok")))
        }
        router.get("/echo") { request, _ in echo(request, body: nil) }
        router.post("/echo", use: echoWithBody)
        router.put("/echo", use: echoWithBody)
        router.patch("/echo", use: echoWithBody)
        router.delete("/echo") { request, _ in echo(request, body: nil) }
        router.get("/status/{code}") { _, context in
            let code = try context.parameters.require("code", as: Int.self)
            return Response(
                status: .init(code: code),
                body: .init(byteBuffer: ByteBuffer(string: "status \(code) body")))
        }
        router.get("/sleep") { request, _ in
            let milliseconds = request.uri.queryParameters.get("ms", as: Int.self) ?? 1000
            try await Task.sleep(for: .milliseconds(milliseconds))
            return "slept \(milliseconds)"
        }
        router.get("/slow-id") { request, _ in
            let id = request.uri.queryParameters.get("id", as: Int.self) ?? -1
            let milliseconds = request.uri.queryParameters.get("ms", as: Int.self) ?? 0
            try await Task.sleep(for: .milliseconds(milliseconds))
            return "id \(id)"
        }
        router.get("/bytes", use: bytes)
        // HEAD gets the same headers (and NIO drops the body), as RFC 9110 requires.
        router.head("/bytes", use: bytes)
        router.get("/bytes-chunked") { request, _ in
            // No content length: the body is sent chunked, so only the client's own counting
            // can enforce a size cap.
            let count = request.uri.queryParameters.get("n", as: Int.self) ?? 0
            return Response(
                status: .ok,
                body: ResponseBody { writer in
                    var left = count
                    while left > 0 {
                        let size = min(left, 1024)
                        try await writer.write(ByteBuffer(repeating: UInt8(ascii: "y"), count: size))
                        left -= size
                    }
                    try await writer.finish(nil)
                })
        }
        router.get("/redirect") { _, _ in
            Response(
                status: .found,
                headers: [.location: "/hello", .init("X-Redirect-Hop")!: "1"])
        }
        router.post("/upload") { request, _ -> Response in
            var request = request
            let buffer = try await request.collectBody(upTo: 8 << 20)
            let contentType = request.headers[.contentType] ?? ""
            let parts = try MultipartTestParser.parse(body: Data(buffer.readableBytesView), contentType: contentType)
            let json = try JSONEncoder().encode(parts)
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(bytes: json)))
        }
        router.get("/sse") { _, _ in
            Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody { writer in
                    try await writer.write(
                        ByteBuffer(string: ": warm-up comment\n\nevent: first\nid: 1\ndata: hello\n\n"))
                    let opened = await gate.wait(timeout: .seconds(5))
                    // One event split across writes with pauses, to exercise reassembly.
                    try await writer.write(ByteBuffer(string: "data: \(opened ? "after-gate" : "gate-timeout")\nda"))
                    try await Task.sleep(for: .milliseconds(50))
                    try await writer.write(ByteBuffer(string: "ta: second line\n"))
                    try await Task.sleep(for: .milliseconds(50))
                    try await writer.write(ByteBuffer(string: "\nevent: done\ndata: [DONE]\n\n"))
                    try await writer.finish(nil)
                })
        }
        return router
    }

    @Sendable private static func echoWithBody(_ request: Request, _: BasicRequestContext) async throws -> EchoReply {
        var request = request
        let buffer = try await request.collectBody(upTo: 1 << 20)
        let payload = try JSONDecoder().decode(Payload.self, from: Data(buffer.readableBytesView))
        return echo(request, body: payload)
    }

    @Sendable private static func bytes(_ request: Request, _: BasicRequestContext) -> Response {
        let count = request.uri.queryParameters.get("n", as: Int.self) ?? 0
        return Response(
            status: .ok, body: .init(byteBuffer: ByteBuffer(repeating: UInt8(ascii: "x"), count: count)))
    }

    private static func echo(_ request: Request, body: Payload?) -> EchoReply {
        EchoReply(
            method: request.method.rawValue,
            body: body,
            requestID: request.headers[.init("X-Request-Id")!],
            authorization: request.headers[.authorization],
            contentType: request.headers[.contentType])
    }
}
