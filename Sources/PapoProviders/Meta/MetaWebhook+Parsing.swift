public import Foundation
import PapoCore

extension MetaWebhook {
    /// Turns a notification body (meta-cloud-api.md §4.3–4.4) into events: one per entry of
    /// `messages[]` and `statuses[]` across every `entry[].changes[]` with
    /// `field: "messages"`. Other fields (account and template updates) and unknown status
    /// values yield nothing; a body that is not a WhatsApp notification throws.
    ///
    /// Verify the signature on the raw bytes before calling this. `receivedAt` stands in for
    /// a missing timestamp.
    public static func parse(_ body: Data, receivedAt: Date = Date()) throws -> [InboundEvent] {
        guard let root = try? JSONDecoder().decode(JSONValue.self, from: body),
            root["object"]?.stringValue == "whatsapp_business_account", let entries = root["entry"]?.arrayValue
        else {
            throw ProviderError(
                .permanent, code: "invalid_webhook", message: "not a WhatsApp Business Account notification",
                provider: .meta)
        }
        var events: [InboundEvent] = []
        for entry in entries {
            for change in entry["changes"]?.arrayValue ?? [] where change["field"]?.stringValue == "messages" {
                guard let value = change["value"] else { continue }
                events += parse(value: value, receivedAt: receivedAt)
            }
        }
        return events
    }

    private static func parse(value: JSONValue, receivedAt: Date) -> [InboundEvent] {
        let sessionKey = value["metadata"]?.text("phone_number_id") ?? ""
        var names: [String: String] = [:]
        for contact in value["contacts"]?.arrayValue ?? [] {
            if let waID = contact.text("wa_id"), let name = contact["profile"]?.text("name") {
                names[waID] = name
            }
        }
        var events: [InboundEvent] = []
        for message in value["messages"]?.arrayValue ?? [] {
            if let parsed = self.message(message, sessionKey: sessionKey, names: names, receivedAt: receivedAt) {
                events.append(.message(parsed))
            }
        }
        for status in value["statuses"]?.arrayValue ?? [] {
            if let parsed = self.status(status, sessionKey: sessionKey, receivedAt: receivedAt) {
                events.append(.status(parsed))
            }
        }
        return events
    }

    private static func message(
        _ message: JSONValue, sessionKey: String, names: [String: String], receivedAt: Date
    ) -> InboundMessage? {
        guard let id = message.text("id"), let from = message.text("from"), let type = message.text("type") else {
            return nil
        }
        let kind = MessageKind(rawValue: type) ?? .unsupported
        var content = message[type] ?? .object([:])
        if type == "unsupported" || content.objectValue?.isEmpty == true, let errors = message["errors"] {
            content = .object(["errors": errors])
        }
        let context = message["context"]
        return InboundMessage(
            sessionKey: sessionKey, providerMessageID: id, from: from, phoneNumber: try? PhoneNumber(from),
            timestamp: timestamp(message["timestamp"], or: receivedAt), kind: kind, content: content,
            text: readableText(type: type, content: content),
            contactName: names[from],
            replyTo: context?.text("id"),
            isForwarded: context?["forwarded"]?.boolValue == true || context?["frequently_forwarded"]?.boolValue == true
        )
    }

    private static func status(_ status: JSONValue, sessionKey: String, receivedAt: Date) -> StatusUpdate? {
        guard let id = status.text("id"), let text = status.text("status"),
            let value = MessageStatus(rawValue: text), value != .queued, value != .sending, value != .received
        else { return nil }
        let error = status["errors"]?.arrayValue?.first.map { MetaGraphError.from($0) }
        return StatusUpdate(
            sessionKey: sessionKey, providerMessageID: id, status: value,
            timestamp: timestamp(status["timestamp"], or: receivedAt),
            recipient: status.text("recipient_id"), error: error)
    }

    /// Unix seconds, sent as a string (numbers are accepted too).
    static func timestamp(_ value: JSONValue?, or fallback: Date) -> Date {
        guard let seconds = value?.numericValue else { return fallback }
        return Date(timeIntervalSince1970: seconds)
    }

    /// What a bot reads from each type.
    private static func readableText(type: String, content: JSONValue) -> String? {
        switch type {
        case "text", "system": content.text("body")
        case "image", "video", "document": content.text("caption")
        case "interactive": content["button_reply"]?.text("title") ?? content["list_reply"]?.text("title")
        case "button": content.text("text")
        default: nil
        }
    }
}
