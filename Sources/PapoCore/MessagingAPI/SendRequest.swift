/// A send request as the messages API receives it, validated into an ``OutboundMessage``.
///
/// The canonical form (``content``) is what the outbox stores and the sender parses again, so
/// a queued message survives restarts and deploys exactly as it was accepted.
public struct SendRequest: Sendable, Equatable {
    /// The API endpoint, which fixes the message's shape.
    public enum Endpoint: String, Sendable, CaseIterable {
        case text, media, location, audio, template, interactive
    }

    public var recipient: PhoneNumber
    /// The session name, when the client picked one; else the tenant's default.
    public var session: String?
    public var message: OutboundMessage
    /// The validated body without `to` and `session`, plus `"endpoint"`.
    public var content: [String: JSONValue]

    /// Parses and validates a body for `endpoint`; every field problem is reported.
    public static func parse(_ body: [String: JSONValue], endpoint: Endpoint) -> Result<SendRequest, ValidationError> {
        var reader = FieldReader(body: body)
        let recipientText = reader.string("to", required: true)
        let session = reader.string("session")
        let replyTo = reader.string("reply_to")
        let content = reader.content(for: endpoint)
        reader.rejectUnknown(allowed: ["to", "session", "reply_to"] + endpoint.fields)
        var recipient: PhoneNumber?
        if let recipientText {
            do throws(FieldError) {
                recipient = try PhoneNumber(recipientText, field: "to")
            } catch {
                reader.errors.append(error)
            }
        }
        guard reader.errors.isEmpty, let recipient, let content else { return .failure(ValidationError(reader.errors)) }
        let message = OutboundMessage(content, replyTo: replyTo)
        do throws(FieldError) {
            try message.validate()
        } catch {
            return .failure(ValidationError([error]))
        }
        var stored = body
        stored["to"] = nil
        stored["session"] = nil
        stored["endpoint"] = .string(endpoint.rawValue)
        return .success(SendRequest(recipient: recipient, session: session, message: message, content: stored))
    }

    /// Rebuilds the message from stored ``content`` and the stored recipient.
    public static func restore(content: JSONValue, recipient: String) -> Result<SendRequest, ValidationError> {
        guard case .object(var body) = content, let endpointName = body["endpoint"]?.stringValue,
            let endpoint = Endpoint(rawValue: endpointName)
        else {
            return .failure(ValidationError([FieldError("content", "stored message has no known endpoint")]))
        }
        body["endpoint"] = nil
        body["to"] = .string(recipient)
        return parse(body, endpoint: endpoint)
    }
}

extension SendRequest.Endpoint {
    /// The body fields each endpoint accepts besides `to`, `session` and `reply_to`.
    var fields: [String] {
        switch self {
        case .text: ["text", "preview_url"]
        case .media: ["type", "url", "media_id", "media_ref", "caption", "filename"]
        case .location: ["latitude", "longitude", "name", "address"]
        case .audio: ["url", "media_id", "media_ref", "voice"]
        case .template: ["name", "language", "body_parameters"]
        case .interactive: ["body", "footer", "header", "buttons"]
        }
    }
}

/// Files uploaded to Papo travel inside a message as a media id with this prefix and their
/// SHA-256; the sender uploads them to the provider (once) and swaps in the provider's id.
public enum LocalMedia {
    public static let prefix = "papo-media:"

    /// The SHA-256 of a local file reference, or `nil` for a provider id or a link.
    public static func reference(in source: OutboundMessage.MediaSource) -> String? {
        guard case .id(let id) = source, id.hasPrefix(prefix) else { return nil }
        return String(id.dropFirst(prefix.count))
    }

    /// The largest upload and the MIME types accepted per kind, from Meta's published limits.
    public static func limits(for kind: OutboundMessage.MediaKind) -> (maxBytes: Int, mimeTypes: Set<String>) {
        switch kind {
        case .image: (5 << 20, ["image/jpeg", "image/png"])
        case .video: (16 << 20, ["video/mp4", "video/3gpp"])
        case .audio: (16 << 20, ["audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"])
        case .sticker: (500 << 10, ["image/webp"])
        case .document:
            (
                100 << 20,
                [
                    "text/plain", "application/pdf", "application/msword",
                    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                    "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    "application/vnd.ms-powerpoint",
                    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                ]
            )
        }
    }
}
