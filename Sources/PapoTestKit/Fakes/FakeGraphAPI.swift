public import Foundation
import Hummingbird
import PapoCore
import Synchronization

/// A fake Meta Graph API on loopback that follows meta-cloud-api.md §6: sends answer with the
/// §1.2 envelope and a `wamid.` id, mark-as-read and typing answer `{"success": true}`, media
/// uploads answer a numeric id, and the phone number node answers for credential checks.
/// Every call needs `Authorization: Bearer <accessToken>` (else code 190, HTTP 401). Paths
/// work with or without a version prefix.
///
/// Tests read ``requests`` to check exactly what a client sent, and use ``failNext(_:code:httpStatus:message:retryAfter:)``
/// to make the next calls fail with a Graph error envelope. Webhooks are in
/// `FakeGraphAPI+Webhooks.swift`.
public final class FakeGraphAPI: Sendable {
    /// A Graph error the fake answers with instead of the normal response.
    public struct InjectedError: Sendable {
        public var code: Int
        public var httpStatus: Int
        public var message: String
        public var details: String?
        public var retryAfter: Int?
    }

    struct State {
        var requests: [RecordedHTTPRequest] = []
        var failures: [InjectedError] = []
        var sentMessages: [String: String] = [:]
        var media: [String: String] = [:]
    }

    /// The token clients must present.
    public let accessToken: String
    /// The business phone number id the fake serves.
    public let phoneNumberID: String
    let state = Mutex(State())
    private let server = LoopbackServer(name: "graph-api")

    /// Creates a fake for one phone number id.
    public init(accessToken: String = "test-access-token", phoneNumberID: String = "106540352242922") {
        self.accessToken = accessToken
        self.phoneNumberID = phoneNumberID
    }

    /// Starts listening and returns the base URL to configure as the Graph API root.
    public func start() async throws -> URL {
        let router = Router()
        router.on("**", method: .get) { request, _ in await self.handle(request) }
        router.on("**", method: .post) { request, _ in await self.handle(request) }
        router.on("**", method: .delete) { request, _ in await self.handle(request) }
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

    /// The wamids the fake handed out, with the `wa_id` each went to.
    public var sentMessages: [String: String] {
        state.withLock { $0.sentMessages }
    }

    /// Makes the next `count` requests fail with a Graph error envelope (§2.1):
    /// `{"error": {"message": "(#code) message", "type": "OAuthException", "code": …}}`.
    public func failNext(
        _ count: Int = 1, code: Int, httpStatus: Int = 400, message: String = "Injected failure",
        details: String? = nil, retryAfter: Int? = nil
    ) {
        let error = InjectedError(
            code: code, httpStatus: httpStatus, message: message, details: details, retryAfter: retryAfter)
        state.withLock { $0.failures += Array(repeating: error, count: count) }
    }

    private func handle(_ request: Request) async -> Response {
        let body = (try? await FakeProviderResponse.body(of: request)) ?? Data()
        let recorded = RecordedHTTPRequest(request: request, body: body)
        let injected = state.withLock { state -> InjectedError? in
            state.requests.append(recorded)
            return state.failures.isEmpty ? nil : state.failures.removeFirst()
        }
        if let injected {
            return Self.error(
                code: injected.code, message: injected.message, details: injected.details,
                status: injected.httpStatus, headers: injected.retryAfter.map { ["Retry-After": String($0)] } ?? [:])
        }
        guard recorded.headers["authorization"] == "Bearer \(accessToken)" else {
            return Self.error(code: 190, message: "Invalid OAuth access token - Cannot parse access token", status: 401)
        }
        var segments = recorded.path.split(separator: "/").map(String.init)
        if let first = segments.first, first.first == "v", Double(first.dropFirst()) != nil {
            segments.removeFirst()
        }
        switch (recorded.method, segments.count, segments.last) {
        case ("POST", 2, "messages") where segments[0] == phoneNumberID:
            return messages(recorded)
        case ("POST", 2, "media") where segments[0] == phoneNumberID:
            return upload(recorded)
        case ("GET", 1, _) where segments[0] == phoneNumberID:
            return FakeProviderResponse.json(
                .object([
                    "verified_name": .string("Papo Test Business"), "display_phone_number": .string("+1 555-078-3881"),
                    "quality_rating": .string("GREEN"), "id": .string(phoneNumberID),
                ]))
        case ("GET", 1, let id?) where state.withLock({ $0.media[id] != nil }):
            let mime = state.withLock { $0.media[id] } ?? "application/octet-stream"
            return FakeProviderResponse.json(
                .object([
                    "messaging_product": .string("whatsapp"), "id": .string(id), "mime_type": .string(mime),
                    "url": .string("https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=\(id)"),
                    "sha256": .string(String(repeating: "0", count: 64)), "file_size": .string("1024"),
                ]))
        default:
            return Self.error(
                code: 100, message: "Unsupported \(recorded.method.lowercased()) request. Object does not exist",
                status: 400)
        }
    }

    /// `POST /<id>/messages`: mark-as-read (and typing) by shape, else a send (§6).
    private func messages(_ request: RecordedHTTPRequest) -> Response {
        guard let body = request.json, body["messaging_product"]?.stringValue == "whatsapp" else {
            return Self.error(code: 100, message: "The parameter messaging_product is required.", status: 400)
        }
        if body["status"]?.stringValue == "read", body["message_id"]?.stringValue != nil {
            return FakeProviderResponse.json(.object(["success": .bool(true)]))
        }
        guard let to = body["to"]?.stringValue, let type = body["type"]?.stringValue, body[type] != nil else {
            return Self.error(code: 100, message: "Invalid parameter", status: 400)
        }
        let waID = String(to.filter(\.isNumber))
        let id = "wamid." + Data("\(waID)_\(UUID().uuidString)".utf8).base64EncodedString()
        state.withLock { $0.sentMessages[id] = waID }
        return FakeProviderResponse.json(
            .object([
                "messaging_product": .string("whatsapp"),
                "contacts": .array([.object(["input": .string(to), "wa_id": .string(waID)])]),
                "messages": .array([.object(["id": .string(id)])]),
            ]))
    }

    /// `POST /<id>/media`: needs `messaging_product`, `type` and `file` form fields (§3.1).
    private func upload(_ request: RecordedHTTPRequest) -> Response {
        let parts = request.formParts
        guard parts["messaging_product"]?.text == "whatsapp", let type = parts["type"]?.text, parts["file"] != nil
        else {
            return Self.error(
                code: 100, message: "The parameter file, type and messaging_product are required.",
                status: 400)
        }
        let id = String(UInt64.random(in: 1_000_000_000_000_000...9_999_999_999_999_999))
        state.withLock { $0.media[id] = type }
        return FakeProviderResponse.json(.object(["id": .string(id)]))
    }

    static func error(
        code: Int, message: String, details: String? = nil, status: Int, headers: [String: String] = [:]
    ) -> Response {
        FakeProviderResponse.json(
            .object([
                "error": .object([
                    "message": .string("(#\(code)) \(message)"),
                    "type": .string("OAuthException"),
                    "code": .integer(code),
                    "error_data": FakeProviderResponse.object([
                        "messaging_product": .string("whatsapp"), "details": details.map(JSONValue.string),
                    ]),
                    "fbtrace_id": .string("A" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(22)),
                ])
            ]), status: status, headers: headers)
    }
}
