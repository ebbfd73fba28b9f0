import Crypto
public import Foundation
public import PapoCore

/// Webhooks as Meta sends them (meta-cloud-api.md §4.2–4.4, §6): one signed POST per event,
/// ASCII-only JSON, `X-Hub-Signature-256: sha256=<hex>` over the exact bytes sent.
extension FakeGraphAPI {
    /// `sha256=<lowercase hex HMAC-SHA256(body, appSecret)>`.
    public static func signature(for body: Data, appSecret: String) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(appSecret.utf8)))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// A full notification body around one `value` object.
    public func notification(_ value: JSONValue) -> JSONValue {
        let metadata = JSONValue.object([
            "display_phone_number": .string("15550783881"), "phone_number_id": .string(phoneNumberID),
        ])
        var fields = value.objectValue ?? [:]
        fields["messaging_product"] = .string("whatsapp")
        fields["metadata"] = metadata
        return .object([
            "object": .string("whatsapp_business_account"),
            "entry": .array([
                .object([
                    "id": .string("102290129340398"),
                    "changes": .array([.object(["field": .string("messages"), "value": .object(fields)])]),
                ])
            ]),
        ])
    }

    /// Posts a `statuses` webhook for `messageID` (`sent`, `delivered`, `read`, `played`, or
    /// `failed` with `errorCode`) to `url`, signed with `appSecret`; returns the receiver's
    /// HTTP status.
    @discardableResult
    public func emitStatus(
        _ status: String, for messageID: String, to url: URL, appSecret: String, errorCode: Int? = nil,
        timestamp: Int = Int(Date().timeIntervalSince1970)
    ) async throws -> Int {
        let recipient = sentMessages[messageID] ?? "16505551234"
        var object: [String: JSONValue] = [
            "id": .string(messageID), "status": .string(status), "timestamp": .string(String(timestamp)),
            "recipient_id": .string(recipient),
        ]
        if let errorCode {
            object["errors"] = .array([
                .object([
                    "code": .integer(errorCode), "title": .string("Injected failure \(errorCode)"),
                    "message": .string("Injected failure \(errorCode)"),
                    "error_data": .object(["details": .string("The fake Graph API failed this message.")]),
                ])
            ])
        }
        return try await post(
            notification(.object(["statuses": .array([.object(object)])])), to: url, appSecret: appSecret)
    }

    /// Posts an inbound text message from `waID` to `url`, signed with `appSecret`; returns
    /// the wamid it used.
    @discardableResult
    public func emitText(
        _ text: String, from waID: String, name: String = "Test Customer", to url: URL, appSecret: String
    ) async throws -> String {
        let id = "wamid." + Data("in_\(waID)_\(UUID().uuidString)".utf8).base64EncodedString()
        let value = JSONValue.object([
            "contacts": .array([.object(["profile": .object(["name": .string(name)]), "wa_id": .string(waID)])]),
            "messages": .array([
                .object([
                    "from": .string(waID), "id": .string(id),
                    "timestamp": .string(String(Int(Date().timeIntervalSince1970))), "type": .string("text"),
                    "text": .object(["body": .string(text)]),
                ])
            ]),
        ])
        _ = try await post(notification(value), to: url, appSecret: appSecret)
        return id
    }

    private func post(_ body: JSONValue, to url: URL, appSecret: String) async throws -> Int {
        let bytes = Self.asciiJSON(body)
        return try await WebhookSender.post(
            bytes, to: url,
            headers: [
                "Content-Type": "application/json",
                "X-Hub-Signature-256": Self.signature(for: bytes, appSecret: appSecret),
            ])
    }

    /// JSON with every non-ASCII character escaped as lowercase `\uXXXX`, as Meta sends it.
    static func asciiJSON(_ value: JSONValue) -> Data {
        let text = value.jsonText
        var escaped = ""
        for unit in text.utf16 {
            if unit < 0x80 {
                escaped.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            } else {
                escaped += String(format: "\\u%04x", unit)
            }
        }
        return Data(escaped.utf8)
    }
}
