import Foundation
import PapoCore

/// `messages.upsert` and `messages.update` payloads. Baileys message objects are keyed by
/// type (`conversation`, `extendedTextMessage`, `imageMessage`, …); the content is reshaped
/// like Meta's webhook objects so stored messages look the same whichever provider carried
/// them.
extension EvolutionWebhook {
    static func message(_ data: JSONValue, sessionKey: String, receivedAt: Date) -> InboundEvent? {
        guard let key = data["key"], let id = key.text("id"), let remoteJid = key.text("remoteJid"),
            let jid = WhatsAppJID(remoteJid), jid.isPhoneNumber || jid.isLinkedID
        else { return nil }
        // `@lid` chats hide the number; gateways put the phone JID in `remoteJidAlt`.
        let phone = jid.phoneNumber ?? key.text("remoteJidAlt").flatMap(WhatsAppJID.init)?.phoneNumber
        let fromMe = key["fromMe"]?.boolValue == true
        let message = data["message"] ?? .object([:])
        // `message` also holds `messageContextInfo`, `base64`, `mediaUrl`: the type is the
        // `conversation` or `…Message` key.
        let type =
            data.text("messageType")
            ?? message.objectValue?.keys.sorted().first { $0 == "conversation" || $0.hasSuffix("Message") }
            ?? "unknown"
        let (kind, content, text) = normalise(type: type, message: message)
        let context = data["contextInfo"] ?? message[type]?["contextInfo"]
        let inbound = InboundMessage(
            sessionKey: sessionKey, providerMessageID: id, from: jid.withoutDevice.description, phoneNumber: phone,
            timestamp: data["messageTimestamp"]?.numericValue.map { Date(timeIntervalSince1970: $0) } ?? receivedAt,
            kind: kind, content: content, text: text,
            contactName: fromMe ? nil : data.text("pushName"),
            replyTo: context?.text("stanzaId"),
            isForwarded: context?["isForwarded"]?.boolValue == true)
        return fromMe ? .operatorMessage(inbound) : .message(inbound)
    }

    /// Evolution's status names (`utils/renderStatus.ts`) and their numeric forms.
    static func status(_ data: JSONValue, sessionKey: String, receivedAt: Date) -> StatusUpdate? {
        guard let id = data.text("keyId") ?? data["key"]?.text("id") else { return nil }
        // Updates about the customer's messages (our own read receipts) are not statuses of
        // anything Papo sent.
        let fromMe = (data["fromMe"] ?? data["key"]?["fromMe"])?.boolValue
        guard fromMe != false else { return nil }
        let status: MessageStatus
        switch data["status"]?.textValue {
        case "SERVER_ACK", "2": status = .sent
        case "DELIVERY_ACK", "3": status = .delivered
        case "READ", "4": status = .read
        case "PLAYED", "5": status = .played
        case "ERROR", "0": status = .failed
        default: return nil
        }
        let error =
            status == .failed
            ? ProviderError(
                .permanent, code: "delivery_error", message: "WhatsApp reported an error for this message",
                provider: .baileys)
            : nil
        return StatusUpdate(
            sessionKey: sessionKey, providerMessageID: id, status: status, timestamp: receivedAt,
            recipient: data.text("remoteJid"), error: error)
    }

    private static func normalise(type: String, message: JSONValue) -> (MessageKind, JSONValue, String?) {
        let body = message[type] ?? .null
        switch type {
        case "conversation":
            let text = message.text("conversation")
            return (.text, .compact(["body": text.map(JSONValue.string)]), text)
        case "extendedTextMessage":
            let text = body.text("text")
            return (.text, .compact(["body": text.map(JSONValue.string)]), text)
        case "imageMessage", "videoMessage", "documentMessage", "audioMessage", "stickerMessage":
            return media(type: type, body: body, message: message)
        case "documentWithCaptionMessage":
            let inner = body["message"]?["documentMessage"] ?? .null
            return media(type: "documentMessage", body: inner, message: message)
        case "locationMessage":
            return (
                .location,
                .compact([
                    "latitude": body["degreesLatitude"], "longitude": body["degreesLongitude"],
                    "name": body["name"], "address": body["address"],
                ]), body.text("name")
            )
        case "reactionMessage":
            return (
                .reaction,
                .compact(["message_id": body["key"]?["id"], "emoji": body["text"] ?? .string("")]), nil
            )
        case "contactMessage":
            let card = JSONValue.compact([
                "name": .compact(["formatted_name": body["displayName"]]), "vcard": body["vcard"],
            ])
            return (.contacts, .array([card]), nil)
        case "buttonsResponseMessage":
            let title = body.text("selectedDisplayText")
            return (
                .interactive,
                .object([
                    "type": .string("button_reply"),
                    "button_reply": .compact(["id": body["selectedButtonId"], "title": title.map(JSONValue.string)]),
                ]), title
            )
        case "listResponseMessage":
            let title = body.text("title")
            return (
                .interactive,
                .object([
                    "type": .string("list_reply"),
                    "list_reply": .compact([
                        "id": body["singleSelectReply"]?["selectedRowId"], "title": title.map(JSONValue.string),
                        "description": body["description"],
                    ]),
                ]), title
            )
        default:
            return (.unsupported, .object(["type": .string(type)]), nil)
        }
    }

    /// Media metadata; inline `base64` stays out of the stored content (it can be megabytes),
    /// a gateway storage link (`mediaUrl`) is kept.
    private static func media(type: String, body: JSONValue, message: JSONValue) -> (MessageKind, JSONValue, String?) {
        let kind: MessageKind =
            switch type {
            case "imageMessage": .image
            case "videoMessage": .video
            case "documentMessage": .document
            case "audioMessage": .audio
            default: .sticker
            }
        let caption = body.text("caption")
        let content = JSONValue.compact([
            "mime_type": body["mimetype"],
            "caption": caption.map(JSONValue.string),
            "filename": body["fileName"],
            "voice": kind == .audio ? .bool(body["ptt"]?.boolValue == true) : nil,
            "url": message["mediaUrl"],
            "sha256": body["fileSha256"],
        ])
        // With transcription on, Evolution adds the text of a voice note.
        let text = caption ?? (kind == .audio ? message.text("speechToText") : nil)
        return (kind, content, text)
    }
}
