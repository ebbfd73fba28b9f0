import Foundation
import Hummingbird
import PapoCore
import PapoStore

/// A session as the API shows it: status, number, health and the code to link while pairing.
/// Credentials and webhook secrets are not part of it, by construction.
struct SessionResponse: Encodable, Sendable {
    struct LinkCode: Encodable, Sendable {
        /// The raw QR payload (`2@…`), to render yourself.
        var code: String?
        /// The PNG, base64 (no `data:` prefix).
        var pngBase64: String?
        /// The PNG as a `data:image/png;base64,…` URL, ready for an `<img>`.
        var dataURL: String?
        /// The code to type on the phone ("link with phone number instead").
        var pairingCode: String?
        var updatedAt: Date?

        enum CodingKeys: String, CodingKey {
            case code
            case pngBase64 = "png_base64"
            case dataURL = "data_url"
            case pairingCode = "pairing_code"
            case updatedAt = "updated_at"
        }
    }

    struct Reconnect: Encodable, Sendable {
        var attempts: Int
        var nextAt: Date?

        enum CodingKeys: String, CodingKey {
            case attempts
            case nextAt = "next_at"
        }
    }

    var id: String
    var name: String
    var provider: String
    var status: String
    var isDefault: Bool
    var phoneNumber: String?
    var displayName: String?
    var lastSeenAt: Date?
    var lastCheckedAt: Date?
    var lastError: String?
    var qr: LinkCode?
    var reconnect: Reconnect?
    var createdAt: Date
    var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, provider, status, qr, reconnect
        case isDefault = "default"
        case phoneNumber = "phone_number"
        case displayName = "display_name"
        case lastSeenAt = "last_seen_at"
        case lastCheckedAt = "last_checked_at"
        case lastError = "last_error"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    init(_ session: SessionDetails) {
        id = session.id.uuidString.lowercased()
        name = session.record.name
        provider = session.record.provider.rawValue
        status = session.state.rawValue
        isDefault = session.record.isDefault
        phoneNumber = session.record.phoneNumber
        displayName = session.displayName
        lastSeenAt = session.lastSeenAt
        lastCheckedAt = session.lastCheckedAt
        lastError = session.lastError
        if session.state == .qr, session.qrCode != nil || session.qrImage != nil || session.pairingCode != nil {
            let prefix = "data:image/png;base64,"
            let image = session.qrImage
            qr = LinkCode(
                code: session.qrCode,
                pngBase64: image.map { $0.hasPrefix(prefix) ? String($0.dropFirst(prefix.count)) : $0 },
                dataURL: image.map { $0.hasPrefix("data:") ? $0 : prefix + $0 }, pairingCode: session.pairingCode,
                updatedAt: session.qrUpdatedAt)
        }
        if session.reconnectAttempts > 0 || session.nextReconnectAt != nil {
            reconnect = Reconnect(attempts: session.reconnectAttempts, nextAt: session.nextReconnectAt)
        }
        createdAt = session.createdAt
        updatedAt = session.updatedAt
    }
}

/// `{"session": …}`.
struct OneSessionResponse: ResponseEncodable, Sendable {
    var session: SessionResponse
}

/// `{"sessions": […]}`.
struct SessionListResponse: ResponseEncodable, Sendable {
    var sessions: [SessionResponse]
}

/// What a disconnect did.
struct DisconnectResponse: ResponseEncodable, Sendable {
    var session: SessionResponse
    var providerLogout: String

    enum CodingKeys: String, CodingKey {
        case session
        case providerLogout = "provider_logout"
    }
}
