public import Foundation
import Hummingbird
import PapoCore
import Synchronization

/// A fake Evolution API v2 gateway on loopback (baileys-gateway.md): instance create,
/// connect (QR or pairing code), connection state, logout, delete, and the `sendText`,
/// `sendMedia`, `sendWhatsAppAudio`, `sendSticker`, `sendLocation` and `sendReaction` routes.
///
/// Every call needs the `apikey` header: the global key for `/instance/create`, the global key
/// or the instance's token elsewhere. Tests read ``requests``, link a phone with
/// ``setState(_:for:)`` (as if the QR code was scanned), make calls fail with
/// ``failNext(_:status:message:)``, and emit webhooks with the methods in
/// `FakeEvolutionGateway+Webhooks.swift`.
public final class FakeEvolutionGateway: Sendable {
    /// An instance as the fake stores it.
    public struct Instance: Sendable {
        public var name: String
        public var id: String
        public var token: String
        /// `open`, `connecting`, `close` or `refused`.
        public var state: String
        public var webhookURL: String?
        public var webhookHeaders: [String: String]
        public var webhookEvents: [String]
        public var qrCount: Int
    }

    struct InjectedError {
        var status: Int
        var message: String
    }

    struct State {
        var requests: [RecordedHTTPRequest] = []
        var instances: [String: Instance] = [:]
        var failures: [InjectedError] = []
        var notOnWhatsApp: Set<String> = []
    }

    /// The key that may do everything, including creating instances.
    public let globalAPIKey: String
    let state = Mutex(State())
    private let server = LoopbackServer(name: "evolution-gateway")

    /// Creates a fake with no instances.
    public init(globalAPIKey: String = "test-global-api-key") {
        self.globalAPIKey = globalAPIKey
    }

    /// Starts listening and returns the gateway's base URL.
    public func start() async throws -> URL {
        let router = Router()
        for method in [HTTPRequest.Method.get, .post, .delete] {
            router.on("**", method: method) { request, _ in await self.handle(request) }
        }
        return try await server.start(router: router)
    }

    /// Stops listening.
    public func stop() async {
        await server.stop()
    }

    /// Every request received so far, oldest first.
    public var requests: [RecordedHTTPRequest] {
        state.withLock { $0.requests }
    }

    /// The stored instance called `name`.
    public func instance(named name: String) -> Instance? {
        state.withLock { $0.instances[name] }
    }

    /// Sets an instance's connection state, e.g. `open` once "the phone scanned the QR code".
    public func setState(_ connectionState: String, for name: String) {
        state.withLock { $0.instances[name]?.state = connectionState }
    }

    /// Makes sends to `number` (digits) fail like a number without WhatsApp.
    public func markNotOnWhatsApp(_ number: String) {
        state.withLock { _ = $0.notOnWhatsApp.insert(number) }
    }

    /// Makes the next `count` requests fail with `status` and Evolution's error shape.
    public func failNext(_ count: Int = 1, status: Int, message: String = "Injected failure") {
        state.withLock {
            $0.failures += Array(repeating: InjectedError(status: status, message: message), count: count)
        }
    }

    private func handle(_ request: Request) async -> Response {
        let body = (try? await FakeProviderResponse.body(of: request)) ?? Data()
        let recorded = RecordedHTTPRequest(request: request, body: body)
        let injected = state.withLock { state -> InjectedError? in
            state.requests.append(recorded)
            return state.failures.isEmpty ? nil : state.failures.removeFirst()
        }
        if let injected {
            return Self.error(injected.status, [.string(injected.message)])
        }
        let segments = recorded.path.split(separator: "/").map(String.init)
        let key = recorded.headers["apikey"]
        if segments == ["instance", "create"], recorded.method == "POST" {
            guard key == globalAPIKey else { return Self.error(401, [.string("Unauthorized")]) }
            return create(recorded)
        }
        guard segments.count == 3, let instance = self.instance(named: segments[2]) else {
            return Self.error(404, [.string("The \"\(segments.last ?? "")\" instance does not exist")])
        }
        guard key == globalAPIKey || key == instance.token else {
            return Self.error(401, [.string("Unauthorized")])
        }
        switch (recorded.method, segments[0], segments[1]) {
        case ("GET", "instance", "connect"): return connect(instance, number: recorded.query["number"])
        case ("GET", "instance", "connectionState"):
            return FakeProviderResponse.json(
                .object([
                    "instance": .object(["instanceName": .string(instance.name), "state": .string(instance.state)])
                ]))
        case ("DELETE", "instance", "logout"):
            guard instance.state == "open" else {
                return Self.error(400, [.string("The \"\(instance.name)\" instance is not connected")])
            }
            setState("close", for: instance.name)
            return Self.success("Instance logged out")
        case ("DELETE", "instance", "delete"):
            state.withLock { _ = $0.instances.removeValue(forKey: instance.name) }
            return Self.success("Instance deleted")
        case ("POST", "message", let route):
            return send(route: route, instance: instance, body: recorded.json ?? .null)
        default:
            return Self.error(404, [.string("Cannot \(recorded.method) \(recorded.path)")])
        }
    }

    static func error(_ status: Int, _ messages: [JSONValue]) -> Response {
        let names = [400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found"]
        return FakeProviderResponse.json(
            .object([
                "status": .integer(status), "error": .string(names[status] ?? "Internal Server Error"),
                "response": .object(["message": .array(messages)]),
            ]), status: status)
    }

    static func success(_ message: String) -> Response {
        FakeProviderResponse.json(
            .object([
                "status": "SUCCESS", "error": false, "response": .object(["message": .string(message)]),
            ]))
    }
}
