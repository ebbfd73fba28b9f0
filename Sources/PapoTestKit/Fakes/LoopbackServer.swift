public import Foundation
import Hummingbird
import Logging
import NIOCore
public import PapoCore
import PapoHTTP
import ServiceLifecycle
import Synchronization

/// Runs a Hummingbird router on 127.0.0.1 with an ephemeral port, from `start()` until
/// `stop()`: the shared engine of the fake servers.
final class LoopbackServer: Sendable {
    struct StartFailure: Error, CustomStringConvertible {
        var description: String { "the fake server did not report a listening port" }
    }

    private struct Running {
        var services: ServiceGroup
        var task: Task<Void, any Error>
        var url: URL
    }

    private let name: String
    private let running = Mutex<Running?>(nil)

    init(name: String) {
        self.name = name
    }

    /// Starts serving `router` and returns the base URL (`http://127.0.0.1:<port>`).
    /// Starting a running server returns its URL.
    func start(router: Router<BasicRequestContext>) async throws -> URL {
        if let url = running.withLock({ $0?.url }) { return url }
        var logger = Logger(label: "papo.fake.\(name)")
        logger.logLevel = .warning
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        let services = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
        let task = Task {
            defer { portContinuation.finish() }
            try await services.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0, let url = URL(string: "http://127.0.0.1:\(port)") else {
            await services.triggerGracefulShutdown()
            _ = await task.result
            throw StartFailure()
        }
        running.withLock { $0 = Running(services: services, task: task, url: url) }
        return url
    }

    /// Stops the server and waits until it has closed its socket. Idempotent.
    func stop() async {
        guard
            let current = running.withLock({ state -> Running? in
                defer { state = nil }
                return state
            })
        else {
            return
        }
        await current.services.triggerGracefulShutdown()
        _ = await current.task.result
    }
}

/// One request a fake received, as the client sent it.
public struct RecordedHTTPRequest: Sendable {
    /// `GET`, `POST`, …
    public var method: String
    /// The path without the query (`/v25.0/106540352242922/messages`).
    public var path: String
    /// Query parameters (the last value wins when repeated).
    public var query: [String: String]
    /// Header fields with lowercased names (the last value wins when repeated).
    public var headers: [String: String]
    /// The raw body.
    public var body: Data

    /// The body parsed as JSON, when it is JSON.
    public var json: JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: body)
    }

    /// The parts of a `multipart/form-data` body, by field name.
    public var formParts: [String: FormPart] {
        guard let contentType = headers["content-type"] else { return [:] }
        return FormDataParser.parse(body, contentType: contentType)
    }

    init(request: Request, body: Data) {
        method = request.method.rawValue
        path = request.uri.path
        var query: [String: String] = [:]
        for (key, value) in request.uri.queryParameters {
            query[String(key)] = String(value)
        }
        self.query = query
        var headers: [String: String] = [:]
        for field in request.headers {
            headers[field.name.canonicalName.lowercased()] = field.value
        }
        self.headers = headers
        self.body = body
    }
}

/// Posts webhook bodies from a fake to a receiver with PapoHTTP, the way a provider would.
enum WebhookSender {
    /// Posts `body` and returns the receiver's HTTP status.
    static func post(_ body: Data, to url: URL, headers: [String: String]) async throws -> Int {
        // A client per call: webhooks from fakes are rare, and nothing outlives the call.
        let client = HTTPClient()
        var fields = HTTPClientHeaders()
        for (name, value) in headers.sorted(by: { $0.key < $1.key }) {
            fields.add(name: name, value: value)
        }
        do {
            let status = try await client.execute(
                HTTPClientRequest(method: .post, url: url.absoluteString, headers: fields, body: body)
            ).status
            await client.shutdown()
            return status
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
