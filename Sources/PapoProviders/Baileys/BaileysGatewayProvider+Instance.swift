import Foundation
public import PapoCore
import PapoHTTP

extension BaileysGatewayProvider {
    /// `POST /instance/create` for ``EvolutionConfiguration/instanceName`` with a Baileys
    /// integration, a QR code, and a webhook that carries the per-session secret header.
    /// Needs the gateway's global key as ``EvolutionConfiguration/apiKey``.
    public func createInstance(_ request: EvolutionInstanceRequest) async throws -> EvolutionInstance {
        let body = JSONValue.object([
            "instanceName": .string(configuration.instanceName),
            "integration": .string("WHATSAPP-BAILEYS"),
            "qrcode": .bool(true),
            "groupsIgnore": .bool(request.ignoreGroups),
            "rejectCall": .bool(request.rejectCalls),
            "webhook": .object([
                "enabled": .bool(true),
                "url": .string(request.webhookURL),
                "byEvents": .bool(false),
                "base64": .bool(request.inlineMedia),
                "headers": .object([request.secretHeader: .string(request.webhookSecret)]),
                "events": .array(request.events.map(JSONValue.string)),
            ]),
        ])
        let answer = try await call(.post, path: ["instance", "create"], instanceScoped: false, body: body)
        let instance = answer["instance"]
        let qrCode = Self.qrCode(answer["qrcode"])
        // The token is `hash` as a string in the code, `{"apikey": …}` in the docs example.
        let token = answer.text("hash") ?? answer["hash"]?.text("apikey")
        return EvolutionInstance(
            name: instance?.text("instanceName") ?? configuration.instanceName,
            id: instance?.text("instanceId"),
            token: token,
            connection: SessionConnection(
                state: qrCode == nil ? Self.state(instance?.text("status")) : .qr, qrCode: qrCode))
    }

    /// `GET /instance/connect/{instance}`: a fresh QR code (``SessionState/qr``), or
    /// ``SessionState/connected`` when the phone is already linked.
    public func connect() async throws -> SessionConnection {
        try await connection(from: call(.get, path: ["instance", "connect"]))
    }

    /// `GET /instance/connect/{instance}?number=…`: asks for a pairing code to type on the
    /// phone with that number ("link with phone number instead").
    public func requestPairingCode(for number: PhoneNumber) async throws -> SessionConnection {
        try await connection(from: call(.get, path: ["instance", "connect"], query: "?number=\(number.digits)"))
    }

    /// `GET /instance/connectionState/{instance}`.
    public func connectionStatus() async throws -> SessionConnection {
        let answer = try await call(.get, path: ["instance", "connectionState"])
        return SessionConnection(state: Self.state(answer["instance"]?.text("state") ?? answer.text("state")))
    }

    /// `DELETE /instance/logout/{instance}`: unlinks the phone; the instance stays and can
    /// show a new QR code.
    public func logout() async throws {
        _ = try await call(.delete, path: ["instance", "logout"])
    }

    /// Logs the phone out (the protocol's disconnect).
    public func disconnect() async throws {
        try await logout()
    }

    /// `DELETE /instance/delete/{instance}`: removes the instance and its stored credentials.
    public func deleteInstance() async throws {
        _ = try await call(.delete, path: ["instance", "delete"])
    }

    private func connection(from answer: JSONValue) -> SessionConnection {
        if let state = answer["instance"]?.text("state") {
            return SessionConnection(state: Self.state(state))
        }
        guard let qrCode = Self.qrCode(answer["qrcode"] ?? answer) else {
            // `{"count":0}`: the gateway is still starting the socket (evolution-api #2385).
            return SessionConnection(state: .connecting)
        }
        return SessionConnection(state: .qr, qrCode: qrCode)
    }

    /// A QR object (`code`, `base64`, `pairingCode`), or `nil` when it holds none of them.
    static func qrCode(_ value: JSONValue?) -> QRCode? {
        guard let value else { return nil }
        let qr = QRCode(code: value.text("code"), base64: value.text("base64"), pairingCode: value.text("pairingCode"))
        return qr.code == nil && qr.base64 == nil && qr.pairingCode == nil ? nil : qr
    }

    /// Evolution's connection states: `open`, `connecting`, `close`, `refused`.
    static func state(_ text: String?) -> SessionState {
        switch text {
        case "open": .connected
        case "connecting": .connecting
        case "refused": .failed
        default: .disconnected
        }
    }
}
