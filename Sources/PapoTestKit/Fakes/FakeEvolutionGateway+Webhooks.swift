import Foundation
public import PapoCore
import Synchronization

/// Webhooks as Evolution posts them: the envelope of baileys-gateway.md, to the instance's
/// webhook URL, with the headers the instance was created with (the per-session secret).
extension FakeEvolutionGateway {
    /// Posts `event` (`messages.upsert`, `messages.update`, `connection.update`, …) with
    /// `data` for `instance`; returns the receiver's HTTP status.
    @discardableResult
    public func emit(event: String, instance name: String, data: JSONValue) async throws -> Int {
        guard let instance = instance(named: name), let target = instance.webhookURL, let url = URL(string: target)
        else { throw WebhookTargetMissing(instance: name) }
        let envelope: JSONValue = .object([
            "event": .string(event), "instance": .string(name), "data": data, "destination": .string(target),
            "date_time": .string(Date().formatted(.iso8601)), "sender": "5511900000000@s.whatsapp.net",
            "server_url": "http://localhost:8080", "apikey": .string(instance.token),
        ])
        var headers = instance.webhookHeaders
        headers["Content-Type"] = "application/json"
        return try await WebhookSender.post(Data(envelope.jsonText.utf8), to: url, headers: headers)
    }

    /// A customer (or, with `fromMe`, the business phone) writes `text` in chat `remoteJid`;
    /// returns the message id used.
    @discardableResult
    public func emitText(
        _ text: String, from remoteJid: String, instance: String, pushName: String = "Ana", fromMe: Bool = false
    ) async throws -> String {
        let id = "3A" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(18).uppercased()
        let data: JSONValue = .object([
            "key": .object(["remoteJid": .string(remoteJid), "fromMe": .bool(fromMe), "id": .string(id)]),
            "pushName": .string(pushName), "status": "DELIVERY_ACK",
            "message": .object(["conversation": .string(text)]), "messageType": "conversation",
            "messageTimestamp": .integer(Int(Date().timeIntervalSince1970)), "instanceId": "fake",
            "source": "android",
        ])
        try await emit(event: "messages.upsert", instance: instance, data: data)
        return id
    }

    /// A delivery report (`SERVER_ACK`, `DELIVERY_ACK`, `READ`, `PLAYED`) for a sent message.
    @discardableResult
    public func emitStatus(
        _ status: String, for messageID: String, to remoteJid: String, instance: String
    )
        async throws -> Int
    {
        try await emit(
            event: "messages.update", instance: instance,
            data: .object([
                "keyId": .string(messageID), "remoteJid": .string(remoteJid), "fromMe": true, "participant": nil,
                "status": .string(status), "pollUpdates": nil, "instanceId": "fake", "messageId": "cuid-fake",
            ]))
    }

    /// A connection change (`open`, `connecting`, `close`, `refused`); also updates the
    /// stored state.
    @discardableResult
    public func emitConnection(
        _ connectionState: String, instance: String, statusReason: Int = 200
    ) async throws
        -> Int
    {
        setState(connectionState, for: instance)
        return try await emit(
            event: "connection.update", instance: instance,
            data: .object([
                "instance": .string(instance), "wuid": "5511900000000@s.whatsapp.net", "profileName": "Acme",
                "state": .string(connectionState), "statusReason": .integer(statusReason),
            ]))
    }
}

extension FakeEvolutionGateway {
    /// A fresh QR code (`qrcode.updated`), as the gateway sends each time the previous one
    /// expires; returns the receiver's HTTP status. The code's payload ends in the new count.
    @discardableResult
    public func emitQRCode(instance name: String) async throws -> Int {
        let count = state.withLock { state -> Int in
            state.instances[name]?.qrCount += 1
            return state.instances[name]?.qrCount ?? 1
        }
        var qrcode = Self.qrCode(for: name, count: count, pairingCode: nil)
        if case .object(var object) = qrcode {
            object["instance"] = .string(name)
            object["count"] = nil
            qrcode = .object(object)
        }
        return try await emit(event: "qrcode.updated", instance: name, data: .object(["qrcode": qrcode]))
    }

    /// How many `GET /instance/connect/{instance}` calls the fake answered for `name`.
    public func connectCalls(for name: String) -> Int {
        requests.filter { $0.method == "GET" && $0.path == "/instance/connect/\(name)" }.count
    }
}

/// The instance has no webhook to post to.
public struct WebhookTargetMissing: Error, CustomStringConvertible {
    public var instance: String
    public var description: String { "instance \(instance) has no webhook URL" }
}
