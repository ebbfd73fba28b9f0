public import Foundation
import Hummingbird
import NIOCore
import Synchronization

/// A fake OpenAI-compatible chat-completions server on 127.0.0.1 with an ephemeral port, for
/// tests and benchmarks of anything that talks to an LLM.
///
/// It serves `POST /v1/chat/completions`, `POST /chat/completions` and Azure's
/// `POST /openai/deployments/{deployment}/chat/completions`, records every request, and answers
/// each one with the next scripted ``Reply`` — as a JSON body, or as server-sent events when the
/// request says `"stream": true`. With the queue empty it answers 500 with an OpenAI error
/// envelope, so a missing script fails loudly.
///
/// ```swift
/// let server = FakeLLMServer()
/// let root = try await server.start()            // http://127.0.0.1:PORT
/// server.enqueue(.text("Hello!"))
/// // OpenAI-style base URL: root/v1; Azure: root
/// await server.stop()
/// ```
public final class FakeLLMServer: Sendable {
    /// One request as the fake received it.
    public struct RecordedRequest: Sendable {
        /// The HTTP method.
        public var method: String
        /// The path, without the query.
        public var path: String
        /// The raw query string, `nil` when absent.
        public var query: String?
        /// Header fields in arrival order, names as sent.
        public var headers: [(name: String, value: String)]
        /// The raw body.
        public var body: Data
        /// The Azure deployment from the path, `nil` for other paths.
        public var deployment: String?

        /// The first value of header `name` (case-insensitive).
        public func header(_ name: String) -> String? {
            headers.first { $0.name.lowercased() == name.lowercased() }?.value
        }

        /// The value of query parameter `name`, percent-decoded.
        public func queryItem(_ name: String) -> String? {
            URLComponents(string: "/?" + (query ?? ""))?.queryItems?.first { $0.name == name }?.value
        }

        /// The body as UTF-8 text.
        public var bodyText: String { String(decoding: body, as: UTF8.self) }
    }

    private struct State {
        var replies: [Reply] = []
        var requests: [RecordedRequest] = []
        var served = 0
        var responder: (@Sendable (RecordedRequest) -> Reply)?
        var recordsRequests = true
    }

    private let state = Mutex(State())
    private let server = LoopbackServer(name: "llm")

    /// Creates a stopped server.
    public init() {}

    /// Starts listening and returns the root URL (`http://127.0.0.1:PORT`, no trailing slash).
    public func start() async throws -> URL {
        try await server.start(router: makeRouter())
    }

    /// Stops the server after in-flight requests finish. Idempotent.
    public func stop() async {
        await server.stop()
    }

    /// Appends replies to the queue; each request takes the oldest.
    public func enqueue(_ replies: Reply...) {
        enqueue(contentsOf: replies)
    }

    /// Appends replies to the queue; each request takes the oldest.
    public func enqueue(contentsOf replies: [Reply]) {
        state.withLock { $0.replies.append(contentsOf: replies) }
    }

    /// Answers every request the queue has no scripted reply for, e.g. an echo of the last
    /// user message for end-to-end tests and benchmarks. With `recordingRequests: false`
    /// requests are not kept (long benchmarks would grow memory).
    public func respond(recordingRequests: Bool = true, _ responder: @escaping @Sendable (RecordedRequest) -> Reply) {
        state.withLock {
            $0.responder = responder
            $0.recordsRequests = recordingRequests
        }
    }

    /// How many requests were served.
    public var servedCount: Int {
        state.withLock { $0.served }
    }

    /// Every request received so far, oldest first.
    public var requests: [RecordedRequest] {
        state.withLock { $0.requests }
    }

    /// Scripted replies not yet used.
    public var pendingReplies: Int {
        state.withLock { $0.replies.count }
    }

    /// Forgets recorded requests and pending replies.
    public func reset() {
        state.withLock {
            $0.requests.removeAll()
            $0.replies.removeAll()
        }
    }

    private func makeRouter() -> Router<BasicRequestContext> {
        let router = Router()
        router.post("/v1/chat/completions") { request, _ in try await self.handle(request, deployment: nil) }
        router.post("/chat/completions") { request, _ in try await self.handle(request, deployment: nil) }
        router.post("/openai/deployments/{deployment}/chat/completions") { request, context in
            try await self.handle(request, deployment: context.parameters.get("deployment"))
        }
        return router
    }

    private func handle(_ request: Request, deployment: String?) async throws -> Response {
        var request = request
        let buffer = try await request.collectBody(upTo: 32 * 1024 * 1024)
        let body = Data(buffer.readableBytesView)
        let recorded = RecordedRequest(
            method: request.method.rawValue, path: request.uri.path, query: request.uri.query,
            headers: request.headers.map { (name: $0.name.rawName, value: $0.value) }, body: body,
            deployment: deployment)
        let (scripted, responder, number) = state.withLock {
            state -> (Reply?, (@Sendable (RecordedRequest) -> Reply)?, Int) in
            if state.recordsRequests { state.requests.append(recorded) }
            state.served += 1
            return (state.replies.isEmpty ? nil : state.replies.removeFirst(), state.responder, state.served)
        }
        let reply = scripted ?? responder?(recorded)
        let probe = (try? JSONDecoder().decode(RequestProbe.self, from: body)) ?? RequestProbe()
        let script =
            reply
            ?? .error(status: 500, .openAI(message: "FakeLLMServer: no scripted reply left", type: "server_error"))
        if script.delay > .zero {
            try await Task.sleep(for: script.delay)
        }
        return Wire(reply: script, probe: probe, number: number).response()
    }
}

/// The request fields that shape an answer.
struct RequestProbe: Decodable {
    struct StreamOptions: Decodable {
        var includeUsage: Bool?

        private enum CodingKeys: String, CodingKey {
            case includeUsage = "include_usage"
        }
    }

    var model: String?
    var stream: Bool?
    var streamOptions: StreamOptions?

    private enum CodingKeys: String, CodingKey {
        case model, stream
        case streamOptions = "stream_options"
    }
}
