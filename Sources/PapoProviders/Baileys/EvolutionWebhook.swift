public import Foundation
import PapoCore

/// Authenticates and parses Evolution API v2 webhook calls (baileys-gateway.md, "Evolution
/// webhook envelope").
///
/// Evolution signs nothing, so each session's webhook is created with a secret header
/// (``EvolutionInstanceRequest/webhookSecret``) and every call must carry it; compare it with
/// ``isAuthentic(secretHeaderValue:)`` before parsing. Message parsing is in
/// `EvolutionWebhook+Messages.swift`.
public struct EvolutionWebhook: Sendable, CustomStringConvertible {
    /// The header Papo asks the gateway to send the per-session secret in.
    public static let defaultSecretHeader = "X-Papo-Webhook-Secret"

    /// The header that carries the secret.
    public let secretHeader: String
    let secret: String

    /// Creates a verifier for one session's secret.
    public init(secret: String, secretHeader: String = Self.defaultSecretHeader) {
        self.secret = secret
        self.secretHeader = secretHeader
    }

    /// Whether the value of ``secretHeader`` matches, compared in constant time. A missing
    /// header or an empty configured secret never matches.
    public func isAuthentic(secretHeaderValue: String?) -> Bool {
        guard let secretHeaderValue, !secret.isEmpty else { return false }
        return ConstantTime.equals(secretHeaderValue, secret)
    }

    public var description: String { "EvolutionWebhook(secretHeader: \(secretHeader), secret: <redacted>)" }

    /// Turns one webhook body into events. `messages.upsert` becomes a customer message, or
    /// an operator message when `fromMe` (someone wrote from the business phone);
    /// `messages.update` a status; `connection.update`, `qrcode.updated` and
    /// `logout.instance` connection reports. Group chats, broadcasts and other events yield
    /// nothing. `receivedAt` stands in for missing timestamps.
    public static func parse(_ body: Data, receivedAt: Date = Date()) throws -> [InboundEvent] {
        guard let root = try? JSONDecoder().decode(JSONValue.self, from: body), let event = root.text("event") else {
            throw ProviderError(
                .permanent, code: "invalid_webhook", message: "not an Evolution webhook envelope", provider: .baileys)
        }
        let data = root["data"] ?? .null
        let sessionKey = root.text("instance") ?? data.text("instance") ?? ""
        let sentAt = root.text("date_time").flatMap(Self.date) ?? receivedAt
        // With `byEvents` or in older versions the name comes as `MESSAGES_UPSERT`.
        switch event.lowercased().replacingOccurrences(of: "_", with: ".") {
        case "messages.upsert":
            return items(data).compactMap { message($0, sessionKey: sessionKey, receivedAt: sentAt) }
        case "messages.update":
            return items(data).compactMap { status($0, sessionKey: sessionKey, receivedAt: sentAt) }
                .map(InboundEvent.status)
        case "connection.update":
            return [.connection(sessionKey: sessionKey, connection(data))]
        case "qrcode.updated":
            return [.connection(sessionKey: sessionKey, qrCode(data))]
        case "logout.instance":
            return [.connection(sessionKey: sessionKey, SessionConnection(state: .loggedOut))]
        default:
            return []
        }
    }

    /// `data` is one object; some versions batch an array.
    private static func items(_ data: JSONValue) -> [JSONValue] {
        data.arrayValue ?? [data]
    }

    /// Evolution stops reconnecting on close codes 401 (logged out from the phone), 402, 403
    /// (forbidden) and 406; any other close is followed by a reconnect.
    private static func connection(_ data: JSONValue) -> SessionConnection {
        let reason = data["statusReason"]?.intValue
        var state = BaileysGatewayProvider.state(data.text("state"))
        if data.text("state") == "close" {
            switch reason {
            case 401: state = .loggedOut
            case 402, 403, 406: state = .failed
            default: break
            }
        }
        return SessionConnection(
            state: state, phoneNumber: data.text("wuid").flatMap(WhatsAppJID.init)?.phoneNumber,
            displayName: data.text("profileName"), reasonCode: reason)
    }

    /// A new QR code, or the "QR code limit reached" refusal (`statusCode` 500).
    private static func qrCode(_ data: JSONValue) -> SessionConnection {
        if let qr = BaileysGatewayProvider.qrCode(data["qrcode"]) {
            return SessionConnection(state: .qr, qrCode: qr)
        }
        let refusal = data["qrcode"].flatMap { $0.text("message") == nil ? nil : $0 } ?? data
        return SessionConnection(
            state: .failed, reasonCode: refusal["statusCode"]?.intValue,
            detail: refusal.text("message") ?? "the gateway sent no QR code")
    }

    static func date(_ text: String) -> Date? {
        if let date = try? Date(text, strategy: .iso8601) { return date }
        // `2025-10-21T11:40:39.000Z`: the plain ISO 8601 strategy refuses fractional seconds.
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
