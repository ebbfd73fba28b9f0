public import Foundation
public import PapoCore

/// The payloads of the events the stores publish: ids a client can fetch more with, the state
/// that changed and a short text preview; never credentials or whole media.
extension EventLog {
    /// Times in payloads: ISO 8601 in UTC to the second (`2026-11-24T21:16:00Z`). A format
    /// style is a value, cheap to share; a formatter object per event is not.
    static let timestamp = Date.ISO8601FormatStyle()

    /// Longest text preview carried by a `message.received` event, in characters.
    public static let previewLength = 200

    /// `message.received`: a customer message was stored (first delivery only). Without the ids
    /// of the message and its conversation and the conversation's state, which
    /// `papo_record_inbound` adds in the database.
    static func messageReceivedPayload(_ inbound: MessageStore.NewInbound) -> JSONValue {
        var payload: [String: JSONValue] = [
            "session_id": .string(inbound.sessionID.uuidString.lowercased()),
            "customer_number": .string(inbound.customerNumber),
            "type": .string(MessageStore.storedType(inbound.kind)),
            "provider": .string(inbound.provider.rawValue),
            "provider_message_id": .string(inbound.providerMessageID),
            "received_at": .string(timestamp.format(inbound.receivedAt)),
        ]
        if let preview = textPreview(of: inbound.content) { payload["text_preview"] = .string(preview) }
        return .object(payload)
    }

    /// `message.status`: an outbound message's status moved forward. A `nil` message id or time
    /// is left out for the statement that publishes the event to add from the row it changed.
    public static func messageStatusPayload(
        messageID: UUID?, provider: ProviderKind, providerMessageID: String?, status: MessageStatus, at: Date?,
        errorCode: String?
    ) -> JSONValue {
        var payload: [String: JSONValue] = [
            "provider": .string(provider.rawValue),
            "provider_message_id": providerMessageID.map(JSONValue.string) ?? .null,
            "status": .string(status.rawValue),
        ]
        if let messageID { payload["message_id"] = .string(messageID.uuidString.lowercased()) }
        if let at { payload["at"] = .string(timestamp.format(at)) }
        if let errorCode { payload["error_code"] = .string(errorCode) }
        return .object(payload)
    }

    /// The message's text, body or caption, cut to ``previewLength`` characters.
    static func textPreview(of content: JSONValue) -> String? {
        for key in ["body", "text", "caption"] {
            if let text = content[key]?.stringValue, !text.isEmpty {
                return text.count > previewLength ? String(text.prefix(previewLength)) + "…" : text
            }
        }
        return nil
    }
}
