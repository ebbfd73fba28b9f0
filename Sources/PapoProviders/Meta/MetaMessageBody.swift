import Foundation
import PapoCore

/// Builds the `POST /<PHONE_NUMBER_ID>/messages` bodies of meta-cloud-api.md §1.
enum MetaMessageBody {
    /// The §1.1 envelope around the type-specific object.
    static func send(_ message: OutboundMessage, to recipient: PhoneNumber) -> JSONValue {
        let (type, object) = typed(message.content)
        var body: [String: JSONValue] = [
            "messaging_product": .string("whatsapp"),
            "recipient_type": .string("individual"),
            // Meta recommends `+` and the country code; without `+` it may prepend the
            // business number's own country code.
            "to": .string(recipient.e164),
            "type": .string(type),
            type: object,
        ]
        if let replyTo = message.replyTo {
            body["context"] = .compact(["message_id": .string(replyTo)])
        }
        return .object(body)
    }

    /// §1.4: marks `messageID` read, optionally showing the typing indicator.
    static func read(_ messageID: String, typing: Bool) -> JSONValue {
        var body: [String: JSONValue] = [
            "messaging_product": .string("whatsapp"),
            "status": .string("read"),
            "message_id": .string(messageID),
        ]
        if typing {
            body["typing_indicator"] = .compact(["type": .string("text")])
        }
        return .object(body)
    }

    private static func typed(_ content: OutboundMessage.Content) -> (String, JSONValue) {
        switch content {
        case .text(let body, let previewURL):
            return ("text", .compact(["preview_url": .bool(previewURL), "body": .string(body)]))
        case .media(let media):
            var object = source(media.source)
            if let caption = media.caption { object["caption"] = .string(caption) }
            if let filename = media.filename { object["filename"] = .string(filename) }
            if media.voice { object["voice"] = .bool(true) }
            return (media.kind.rawValue, .object(object))
        case .location(let location):
            // Meta's examples send coordinates as strings; the API takes either.
            return (
                "location",
                .compact([
                    "latitude": .string(decimal(location.latitude)),
                    "longitude": .string(decimal(location.longitude)),
                    "name": location.name.map(JSONValue.string),
                    "address": location.address.map(JSONValue.string),
                ])
            )
        case .contacts(let contacts):
            return ("contacts", .array(contacts.map(contact)))
        case .reaction(let messageID, let emoji):
            return ("reaction", .compact(["message_id": .string(messageID), "emoji": .string(emoji)]))
        case .buttons(let buttons):
            return ("interactive", interactive(buttons))
        case .list(let list):
            return ("interactive", interactive(list))
        case .template(let template):
            return ("template", self.template(template))
        }
    }

    /// `{"id": …}` or `{"link": …}` — never both.
    static func source(_ source: OutboundMessage.MediaSource) -> [String: JSONValue] {
        switch source {
        case .id(let id): ["id": .string(id)]
        case .link(let link): ["link": .string(link)]
        }
    }

    /// A coordinate as plain decimal text (`-23.5505`), never exponent notation.
    static func decimal(_ value: Double) -> String {
        var text = String(format: "%.7f", value)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text == "-0" ? "0" : text
    }

    private static func contact(_ card: OutboundMessage.Contact) -> JSONValue {
        func list<T>(_ items: [T], _ transform: (T) -> JSONValue) -> JSONValue? {
            items.isEmpty ? nil : .array(items.map(transform))
        }
        return .compact([
            "name": .compact([
                "formatted_name": .string(card.formattedName),
                "first_name": card.firstName.map(JSONValue.string),
                "last_name": card.lastName.map(JSONValue.string),
            ]),
            "phones": list(card.phones) {
                .compact([
                    "phone": .string($0.phone), "type": $0.type.map(JSONValue.string),
                    "wa_id": $0.waID.map(JSONValue.string),
                ])
            },
            "emails": list(card.emails) {
                .compact(["email": .string($0.email), "type": $0.type.map(JSONValue.string)])
            },
            "addresses": list(card.addresses) {
                .compact([
                    "street": $0.street.map(JSONValue.string), "city": $0.city.map(JSONValue.string),
                    "state": $0.state.map(JSONValue.string), "zip": $0.zip.map(JSONValue.string),
                    "country": $0.country.map(JSONValue.string),
                    "country_code": $0.countryCode.map(JSONValue.string), "type": $0.type.map(JSONValue.string),
                ])
            },
            "org": card.organization.map {
                .compact([
                    "company": $0.company.map(JSONValue.string), "department": $0.department.map(JSONValue.string),
                    "title": $0.title.map(JSONValue.string),
                ])
            },
            "urls": list(card.urls) { .compact(["url": .string($0.url), "type": $0.type.map(JSONValue.string)]) },
            "birthday": card.birthday.map(JSONValue.string),
        ])
    }
}
