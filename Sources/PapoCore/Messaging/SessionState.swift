/// The connection state of a WhatsApp session (`whatsapp_sessions.status`).
public enum SessionState: String, Sendable, Hashable, Codable, CaseIterable {
    /// Not connected and not trying.
    case disconnected
    /// Connecting to WhatsApp.
    case connecting
    /// Waiting for a QR code scan or pairing code (Baileys).
    case qr
    /// Connected and able to send.
    case connected
    /// Could not connect (bad credentials, refused, QR limit reached).
    case failed
    /// The phone logged the session out; a new QR scan is needed.
    case loggedOut = "logged_out"
}
