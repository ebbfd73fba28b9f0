import Foundation
import Hummingbird
import PapoCore
import Synchronization

/// The instance and message routes, answering in the shapes of baileys-gateway.md.
extension FakeEvolutionGateway {
    func create(_ request: RecordedHTTPRequest) -> Response {
        guard let body = request.json, let name = body["instanceName"]?.stringValue, !name.isEmpty else {
            return Self.error(400, [.string("instance requires property \"instanceName\"")])
        }
        let webhook = body["webhook"]
        var headers: [String: String] = [:]
        for (header, value) in webhook?["headers"]?.objectValue ?? [:] {
            if let value = value.stringValue { headers[header] = value }
        }
        let instance = Instance(
            name: name, id: UUID().uuidString.lowercased(),
            token: body["token"]?.stringValue ?? UUID().uuidString.uppercased(), state: "connecting",
            webhookURL: webhook?["url"]?.stringValue, webhookHeaders: headers,
            webhookEvents: webhook?["events"]?.arrayValue?.compactMap(\.stringValue) ?? [], qrCount: 1)
        let created = state.withLock { state -> Bool in
            guard state.instances[name] == nil else { return false }
            state.instances[name] = instance
            return true
        }
        guard created else {
            return Self.error(403, [.string("This name \"\(name)\" is already in use.")])
        }
        let wantsQR = body["qrcode"]?.boolValue == true
        return FakeProviderResponse.json(
            .object([
                "instance": .object([
                    "instanceName": .string(name), "instanceId": .string(instance.id),
                    "integration": body["integration"] ?? "WHATSAPP-BAILEYS", "webhookWaBusiness": nil,
                    "accessTokenWaBusiness": "", "status": "connecting",
                ]),
                "hash": .string(instance.token),
                "webhook": .object([
                    "webhookUrl": webhook?["url"] ?? nil, "webhookHeaders": webhook?["headers"] ?? .object([:]),
                    "webhookByEvents": webhook?["byEvents"] ?? false, "webhookBase64": webhook?["base64"] ?? false,
                ]),
                "qrcode": wantsQR ? Self.qrCode(for: name, count: 1, pairingCode: nil) : .object(["count": 0]),
            ]), status: 201)
    }

    func connect(_ instance: Instance, number: String?) -> Response {
        if instance.state == "open" {
            return FakeProviderResponse.json(
                .object(["instance": .object(["instanceName": .string(instance.name), "state": "open"])]))
        }
        let count = state.withLock { state -> Int in
            state.instances[instance.name]?.state = "connecting"
            state.instances[instance.name]?.qrCount += 1
            return state.instances[instance.name]?.qrCount ?? 1
        }
        return FakeProviderResponse.json(
            Self.qrCode(for: instance.name, count: count, pairingCode: number.map { _ in "WZYEH1YY" }))
    }

    static func qrCode(for name: String, count: Int, pairingCode: String?) -> JSONValue {
        .object([
            "pairingCode": pairingCode.map(JSONValue.string) ?? nil,
            "code": .string("2@fake-\(name)-\(count),PAPO,TEST=="),
            "base64": .string(
                "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5ErkJggg=="
            ),
            "count": .integer(count),
        ])
    }

    /// The required fields per send route, from Evolution's request schemas.
    private static let requiredFields: [String: [String]] = [
        "sendText": ["number", "text"],
        "sendMedia": ["number", "mediatype", "media"],
        "sendWhatsAppAudio": ["number", "audio"],
        "sendSticker": ["number", "sticker"],
        "sendLocation": ["number", "latitude", "longitude", "name", "address"],
        "sendReaction": ["key", "reaction"],
    ]

    func send(route: String, instance: Instance, body: JSONValue) -> Response {
        guard let required = Self.requiredFields[route] else {
            return Self.error(404, [.string("Cannot POST /message/\(route)/\(instance.name)")])
        }
        for field in required where body[field] == nil {
            return Self.error(400, [.string("instance requires property \"\(field)\"")])
        }
        let number = body["number"]?.stringValue ?? ""
        if route != "sendReaction", number.isEmpty || !number.allSatisfy(\.isNumber) {
            return Self.error(400, [.string("number must be a numeric string")])
        }
        if state.withLock({ $0.notOnWhatsApp.contains(number) }) {
            return Self.error(
                400,
                [.object(["jid": .string("\(number)@s.whatsapp.net"), "exists": false, "number": .string(number)])])
        }
        let remoteJid = route == "sendReaction" ? body["key"]?["remoteJid"] ?? "" : .string("\(number)@s.whatsapp.net")
        let id = "BAE5" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).uppercased()
        return FakeProviderResponse.json(
            .object([
                "key": .object(["remoteJid": remoteJid, "fromMe": true, "id": .string(id)]),
                "message": Self.storedMessage(route: route, body: body),
                "messageTimestamp": .string(String(Int(Date().timeIntervalSince1970))),
                "status": "PENDING",
            ]), status: 201)
    }

    /// The Baileys message object a send produces, as Evolution echoes it.
    private static func storedMessage(route: String, body: JSONValue) -> JSONValue {
        switch route {
        case "sendText": .object(["extendedTextMessage": .object(["text": body["text"] ?? ""])])
        case "sendLocation":
            .object([
                "locationMessage": .object([
                    "degreesLatitude": body["latitude"] ?? nil, "degreesLongitude": body["longitude"] ?? nil,
                ])
            ])
        case "sendWhatsAppAudio": .object(["audioMessage": .object(["ptt": true])])
        default: .object([:])
        }
    }
}
