import Crypto
import Foundation
public import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
import PapoCore
public import PapoStore

/// `POST /api/v1/messages/{text,media,location,audio,template,interactive}` and
/// `GET /api/v1/messages/{id}/status`.
///
/// A send is validated, stored as `queued` and answered at once with 202; the outbox sender
/// delivers it. `Idempotency-Key` makes retries safe: the same key and body return the first
/// message, the same key with another body is a 409.
public struct MessagesController: Sendable {
    let messages: MessageStore
    let sessions: SessionStore
    let media: MediaStore

    /// Uploads are read into memory up to this size; larger documents go by URL.
    static let maxUploadBytes = 16 << 20

    public init(messages: MessageStore, sessions: SessionStore, media: MediaStore) {
        self.messages = messages
        self.sessions = sessions
        self.media = media
    }

    public func register(on group: RouterGroup<AppRequestContext>) {
        for endpoint in SendRequest.Endpoint.allCases {
            group.post("/messages/\(endpoint.rawValue)") { request, context in
                try await send(endpoint, request: request, context: context)
            }
        }
        group.get("/messages/{id}/status") { _, context -> MessageStatusResponse in
            let tenant = try context.requireTenant()
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
                throw APIError.badRequest("the message id must be a UUID")
            }
            guard let message = try await messages.message(id: id, tenantID: tenant.id) else {
                throw APIError.notFound("no message \(id.uuidString.lowercased())")
            }
            return MessageStatusResponse(message)
        }
    }

    private func send(
        _ endpoint: SendRequest.Endpoint, request: Request, context: AppRequestContext
    ) async throws
        -> EditedResponse<MessageStatusResponse>
    {
        var request = request
        let tenant = try context.requireTenant()
        let idempotencyKey = try Self.idempotencyKey(request)
        let body: [String: JSONValue]
        if let type = request.headers[.contentType], type.lowercased().hasPrefix("multipart/form-data") {
            guard endpoint == .media || endpoint == .audio else {
                throw APIError(
                    .unsupportedMediaType, code: "unsupported_media_type",
                    message: "only /messages/media and /messages/audio accept file uploads")
            }
            body = try await upload(endpoint, request: &request, contentType: type, tenantID: tenant.id)
        } else {
            body = try await request.jsonObject(context: context)
        }
        let parsed: SendRequest
        switch SendRequest.parse(body, endpoint: endpoint) {
        case .success(let value): parsed = value
        case .failure(let error): throw APIError.validation(error)
        }
        guard let session = try await sessions.resolve(tenantID: tenant.id, name: parsed.session) else {
            throw APIError.validation(
                ValidationError([FieldError("session", "tenant has no session named '\(parsed.session ?? "")'")]))
        }
        var canonical = parsed.content
        canonical["to"] = .string(parsed.recipient.digits)
        canonical["session"] = .string(session.name)
        let hash = idempotencyKey.map { _ in Data(SHA256.hash(data: Data(JSONValue.object(canonical).jsonText.utf8))) }
        let result = try await messages.enqueue(
            .init(
                tenantID: tenant.id, session: session, customerNumber: parsed.recipient.digits,
                type: parsed.message.kind.rawValue, content: .object(parsed.content), idempotencyKey: idempotencyKey,
                requestHash: hash, replyTo: parsed.message.replyTo))
        switch result {
        case .created(let message):
            context.logger.info(
                "message queued", metadata: ["message_id": "\(message.id)", "type": "\(message.type)"])
            return EditedResponse(status: .accepted, response: MessageStatusResponse(message))
        case .replayed(let message):
            return EditedResponse(
                status: .accepted, headers: [.idempotentReplayed: "true"], response: MessageStatusResponse(message))
        case .conflict(let message):
            throw APIError(
                .conflict, code: "idempotency_conflict",
                message:
                    "Idempotency-Key was already used with a different body (message \(message.id.uuidString.lowercased()))"
            )
        }
    }

    /// Stores the uploaded `file` part and turns the other parts into the JSON body fields.
    private func upload(
        _ endpoint: SendRequest.Endpoint, request: inout Request, contentType: String, tenantID: UUID
    ) async throws -> [String: JSONValue] {
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: Self.maxUploadBytes)
        } catch is NIOTooManyBytesError {
            throw APIError(
                .contentTooLarge, code: "payload_too_large",
                message: "uploads are limited to \(Self.maxUploadBytes >> 20) MiB; send larger documents by url")
        }
        var parts = FormDataParser.parse(Data(buffer.readableBytesView), contentType: contentType)
        guard let file = parts.removeValue(forKey: "file") else {
            throw APIError.validation(
                ValidationError([FieldError("file", "is required: the media file as a form part")]))
        }
        var body: [String: JSONValue] = [:]
        for (name, part) in parts {
            body[name] = name == "voice" ? .bool(part.text == "true" || part.text == "1") : .string(part.text)
        }
        let kind: OutboundMessage.MediaKind =
            endpoint == .audio
            ? .audio : (body["type"]?.stringValue).flatMap(OutboundMessage.MediaKind.init) ?? .document
        let mime =
            (file.contentType ?? "").split(separator: ";").first.map {
                $0.trimmingCharacters(in: .whitespaces).lowercased()
            } ?? ""
        let limits = LocalMedia.limits(for: kind)
        var errors: [FieldError] = []
        if !limits.mimeTypes.contains(mime) {
            errors.append(
                FieldError(
                    "file",
                    "\(kind.rawValue) must be one of \(limits.mimeTypes.sorted().joined(separator: ", ")), got '\(mime)'"
                ))
        }
        if file.data.count > limits.maxBytes {
            errors.append(FieldError("file", "\(kind.rawValue) files are limited to \(limits.maxBytes >> 10) KiB"))
        }
        if file.data.isEmpty { errors.append(FieldError("file", "is empty")) }
        if !errors.isEmpty { throw APIError.validation(ValidationError(errors)) }
        let record = try await media.store(tenantID: tenantID, data: file.data, mimeType: mime, filename: file.filename)
        body["media_ref"] = .string(record.sha256)
        if kind == .document, body["filename"] == nil, let name = file.filename { body["filename"] = .string(name) }
        return body
    }

    private static func idempotencyKey(_ request: Request) throws -> String? {
        guard let key = request.headers[.idempotencyKey] else { return nil }
        guard (1...255).contains(key.count),
            key.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 })
        else {
            throw APIError.badRequest("Idempotency-Key must be 1 to 255 visible ASCII characters")
        }
        return key
    }
}

extension HTTPField.Name {
    public static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
    /// Set on a response that replays the first answer to a repeated Idempotency-Key.
    public static let idempotentReplayed = HTTPField.Name("Idempotent-Replayed")!
}

/// A message's state as clients see it.
struct MessageStatusResponse: ResponseEncodable {
    struct Failure: Encodable {
        var code: String
        var message: String
    }

    var id: String
    var status: String
    var type: String
    var to: String
    var provider: String
    var providerMessageId: String?
    var attempts: Int
    var error: Failure?
    var timestamps: [String: Date]

    init(_ message: StoredMessage) {
        id = message.id.uuidString.lowercased()
        status = message.status.rawValue
        type = message.type
        to = message.customerNumber
        provider = message.provider.rawValue
        providerMessageId = message.providerMessageID
        attempts = message.attempts
        if let code = message.errorCode {
            error = Failure(code: code, message: message.errorMessage ?? "")
        }
        var timestamps: [String: Date] = [:]
        let pairs: [(String, Date?)] = [
            ("queued", message.queuedAt), ("sent", message.sentAt), ("delivered", message.deliveredAt),
            ("read", message.readAt), ("played", message.playedAt), ("failed", message.failedAt),
        ]
        for (name, date) in pairs { if let date { timestamps[name] = date } }
        self.timestamps = timestamps
    }

    enum CodingKeys: String, CodingKey {
        case id, status, type, to, provider, attempts, error, timestamps
        case providerMessageId = "provider_message_id"
    }
}
