public import PapoCore

/// Where a session's connection stands, as a provider reports it.
public struct SessionConnection: Sendable, Hashable {
    /// The connection state.
    public var state: SessionState
    /// The code to scan or type, while ``state`` is ``SessionState/qr``.
    public var qrCode: QRCode?
    /// The business number the session is connected as, when the provider says.
    public var phoneNumber: PhoneNumber?
    /// The business or profile name WhatsApp shows (Meta `verified_name`, Baileys
    /// `profileName`).
    public var displayName: String?
    /// The provider's reason code for the last change (Baileys `statusReason`, such as 401
    /// for logged out).
    public var reasonCode: Int?
    /// A short explanation: Meta's quality rating, a gateway's refusal message.
    public var detail: String?

    /// Creates a connection report.
    public init(
        state: SessionState, qrCode: QRCode? = nil, phoneNumber: PhoneNumber? = nil, displayName: String? = nil,
        reasonCode: Int? = nil, detail: String? = nil
    ) {
        self.state = state
        self.qrCode = qrCode
        self.phoneNumber = phoneNumber
        self.displayName = displayName
        self.reasonCode = reasonCode
        self.detail = detail
    }
}

/// What a person needs to link WhatsApp Web to a session: a QR code to scan, or a pairing
/// code to type on the phone.
public struct QRCode: Sendable, Hashable {
    /// The raw QR payload (`2@…`), for rendering the code yourself.
    public var code: String?
    /// The QR code as a PNG `data:` URL (`data:image/png;base64,…`), as the gateway renders it.
    public var base64: String?
    /// The 8-character code for "link with phone number instead".
    public var pairingCode: String?

    /// Creates a QR report.
    public init(code: String? = nil, base64: String? = nil, pairingCode: String? = nil) {
        self.code = code
        self.base64 = base64
        self.pairingCode = pairingCode
    }
}
