import PapoCore

/// Builds Evolution API v2 send requests: the route under `/message/` and its JSON body.
///
/// Field names follow the gateway's request schemas (`sendText`: `number`, `text`,
/// `linkPreview`, `quoted`; `sendMedia`: `mediatype`, `media`, `caption`, `fileName`;
/// `sendWhatsAppAudio`: `audio`; `sendLocation`: `latitude`, `longitude`, `name`,
/// `address`). Kinds WhatsApp Web cannot carry reliably are refused: templates are Cloud API
/// only, and buttons and lists are accepted by the gateway but never delivered
/// (evolution-api #2404).
enum EvolutionMessageBody {
    /// The route name (`sendText`) and body for `message` to `recipient`, with
    /// `typingDelay` milliseconds of "typing…" (or "recording…") first when above zero.
    static func send(
        _ message: OutboundMessage, to recipient: PhoneNumber, typingDelay: Int = 0
    ) throws(ProviderError) -> (String, JSONValue) {
        var body: [String: JSONValue] = ["number": .string(recipient.digits)]
        let route: String
        switch message.content {
        case .text(let text, let previewURL):
            route = "sendText"
            body["text"] = .string(text)
            body["linkPreview"] = .bool(previewURL)
        case .media(let media):
            guard case .link(let link) = media.source else {
                // Evolution takes a URL or base64, not another provider's upload id.
                throw ProviderError.unsupported("media by uploaded id", provider: .baileys)
            }
            switch (media.kind, media.voice) {
            case (.audio, true):
                route = "sendWhatsAppAudio"
                body["audio"] = .string(link)
            case (.sticker, _):
                route = "sendSticker"
                body["sticker"] = .string(link)
            default:
                route = "sendMedia"
                body["mediatype"] = .string(media.kind.rawValue)
                body["media"] = .string(link)
                if let caption = media.caption { body["caption"] = .string(caption) }
                if let filename = media.filename { body["fileName"] = .string(filename) }
            }
        case .location(let location):
            route = "sendLocation"
            body["latitude"] = .number(location.latitude)
            body["longitude"] = .number(location.longitude)
            // The gateway requires both labels; empty strings stand for "none".
            body["name"] = .string(location.name ?? "")
            body["address"] = .string(location.address ?? "")
        case .reaction(let messageID, let emoji):
            // Reactions address the reacted message by chat and sender; bots react to the
            // customer's messages, so `fromMe` is false.
            return (
                "sendReaction",
                .object([
                    "key": .object([
                        "remoteJid": .string(recipient.jid.description), "fromMe": .bool(false),
                        "id": .string(messageID),
                    ]),
                    "reaction": .string(emoji),
                ])
            )
        case .contacts:
            throw ProviderError.unsupported("contacts messages", provider: .baileys)
        case .buttons, .list:
            throw ProviderError.unsupported("interactive messages", provider: .baileys)
        case .template:
            throw ProviderError.unsupported("template messages", provider: .baileys)
        }
        if let replyTo = message.replyTo {
            body["quoted"] = .object(["key": .object(["id": .string(replyTo)])])
        }
        if typingDelay > 0 {
            body["delay"] = .integer(typingDelay)
        }
        return (route, .object(body))
    }
}
