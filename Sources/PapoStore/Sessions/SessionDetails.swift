public import Foundation
public import PapoCore
public import PapoPostgres

/// Everything about a session a tenant may see, plus the monitor's bookkeeping. Credentials
/// are not part of it: they never leave the store except sealed.
public struct SessionDetails: Sendable, Equatable {
    public var record: SessionRecord
    public var state: SessionState
    public var displayName: String?
    public var lastSeenAt: Date?
    public var lastCheckedAt: Date?
    public var lastError: String?
    /// The raw QR payload while the session waits for a scan.
    public var qrCode: String?
    /// The QR code as a PNG `data:` URL, as the gateway rendered it.
    public var qrImage: String?
    public var pairingCode: String?
    public var qrUpdatedAt: Date?
    public var reconnectAttempts: Int
    public var nextReconnectAt: Date?
    public var hasCredentials: Bool
    public var createdAt: Date
    public var updatedAt: Date

    static let columns: SQLQuery = """
        id, tenant_id, name, provider, phone_number, status, is_default, external_id, display_name,
        last_seen_at, last_checked_at, last_error, last_qr, last_qr_image, pairing_code, last_qr_at,
        reconnect_attempts, next_reconnect_at, session_data IS NOT NULL AS has_credentials, created_at, updated_at
        """

    init(row: PostgresRow) throws {
        record = try SessionRecord(row: row)
        state = SessionState(rawValue: record.status) ?? .disconnected
        displayName = try row.decode("display_name")
        lastSeenAt = try row.decode("last_seen_at")
        lastCheckedAt = try row.decode("last_checked_at")
        lastError = try row.decode("last_error")
        qrCode = try row.decode("last_qr")
        qrImage = try row.decode("last_qr_image")
        pairingCode = try row.decode("pairing_code")
        qrUpdatedAt = try row.decode("last_qr_at")
        reconnectAttempts = try row.decode("reconnect_attempts")
        nextReconnectAt = try row.decode("next_reconnect_at")
        hasCredentials = try row.decode("has_credentials")
        createdAt = try row.decode("created_at")
        updatedAt = try row.decode("updated_at")
    }

    public var id: UUID { record.id }
    public var tenantID: UUID { record.tenantID }
}

/// A change to a session's connection, applied in one transaction that also publishes the
/// `session.status` (and, for a new code, `session.qr`) event.
public struct SessionChange: Sendable {
    /// What happens to the reconnect plan.
    public enum Reconnect: Sendable, Equatable {
        case keep
        /// No reconnect pending and the failure count back to zero.
        case reset
        /// Reconnect at `at`; `attempts` reconnects will have been made by then.
        case schedule(attempts: Int, at: Date)
        /// No reconnect pending, the failure count kept (a QR code is showing: reconnecting would
        /// only replace it, and the count must survive until the session really connects).
        case cancel
    }

    /// What happens to the sealed credentials.
    public enum Credentials: Sendable, Equatable {
        case keep
        case set(sealed: Data, keyID: String)
        case clear
    }

    /// What happens to webhook routing (the provider's name for the session and the hash of
    /// the secret its webhooks carry).
    public enum Webhook: Sendable, Equatable {
        case keep
        case set(externalID: String, secretHash: Data?)
        case clear
    }

    public var state: SessionState
    /// The business number; `nil` keeps the stored one.
    public var phoneNumber: String?
    /// The name WhatsApp shows; `nil` keeps the stored one.
    public var displayName: String?
    /// Replaces the stored error (`nil` clears it).
    public var lastError: String?
    /// Keeps the stored error instead of replacing it with ``lastError``.
    public var keepsError: Bool
    /// A new code to show while ``state`` is ``SessionState/qr``; `nil` keeps the current one.
    /// Any other state clears the code.
    public var qr: LinkCode?
    public var reconnect: Reconnect
    public var credentials: Credentials
    public var webhook: Webhook
    /// Whether the provider was just heard from (sets `last_seen_at`).
    public var seen: Bool
    /// The provider's reason code, for the event only.
    public var reasonCode: Int?

    public init(
        state: SessionState, phoneNumber: String? = nil, displayName: String? = nil, lastError: String? = nil,
        qr: LinkCode? = nil, reconnect: Reconnect = .keep, credentials: Credentials = .keep, webhook: Webhook = .keep,
        seen: Bool = false, reasonCode: Int? = nil, keepsError: Bool = false
    ) {
        self.keepsError = keepsError
        self.state = state
        self.phoneNumber = phoneNumber
        self.displayName = displayName
        self.lastError = lastError
        self.qr = qr
        self.reconnect = reconnect
        self.credentials = credentials
        self.webhook = webhook
        self.seen = seen
        self.reasonCode = reasonCode
    }
}

/// A QR code or pairing code as stored: the same fields a gateway reports.
public struct LinkCode: Sendable, Hashable {
    public var code: String?
    public var image: String?
    public var pairingCode: String?

    public init(code: String?, image: String?, pairingCode: String?) {
        self.code = code
        self.image = image
        self.pairingCode = pairingCode
    }
}
