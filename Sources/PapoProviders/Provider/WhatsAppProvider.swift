public import Foundation
public import PapoCore

/// One way of reaching WhatsApp for one business number: the Meta Cloud API, a Baileys
/// gateway, or the built-in sandbox.
///
/// Every method throws ``ProviderError`` (classified retryable / needs-template / permanent)
/// or `CancellationError` when the calling task is cancelled. Messages are validated before
/// anything is sent, so an invalid message fails with `invalid_message` and no request is
/// made. Inbound traffic does not come through this protocol: each provider has a parser
/// (``MetaWebhook``, ``EvolutionWebhook``) or stream (``SandboxProvider/events``) that turns it
/// into ``InboundEvent`` values.
public protocol WhatsAppProvider: Sendable {
    /// Which provider this is.
    var kind: ProviderKind { get }

    /// What this provider can do beyond text and media, so callers can degrade (send text
    /// instead of buttons on Baileys) instead of failing.
    var capabilities: ProviderCapabilities { get }

    /// Starts (or checks) the connection and reports where it stands: for Meta a credentials
    /// check, for Baileys a QR code or pairing state.
    func connect() async throws -> SessionConnection

    /// Reports the connection state without changing it.
    func connectionStatus() async throws -> SessionConnection

    /// Ends the session on the provider's side (Baileys logs the phone out).
    func disconnect() async throws

    /// Sends `message` to `recipient` and returns the provider's message id — the key that
    /// later status updates carry. Acceptance is not delivery: statuses follow as events.
    func send(_ message: OutboundMessage, to recipient: PhoneNumber) async throws -> String

    /// Marks the customer's message (and the earlier ones in the chat) as read.
    func markAsRead(_ messageID: String, from customer: PhoneNumber) async throws

    /// Shows "typing…" to the customer while a reply is prepared (Meta also marks
    /// `messageID` read; the indicator disappears after 25 s or on the reply).
    func sendTypingIndicator(to customer: PhoneNumber, replyingTo messageID: String) async throws

    /// Uploads media and returns an id usable in ``OutboundMessage/MediaSource/id(_:)``.
    func uploadMedia(_ data: Data, mimeType: String, filename: String) async throws -> String
}

/// Optional abilities of a provider.
public struct ProviderCapabilities: OptionSet, Sendable, Hashable {
    public let rawValue: Int

    public init(rawValue: Int) {
        self.rawValue = rawValue
    }

    /// ``WhatsAppProvider/markAsRead(_:from:)`` works.
    public static let markAsRead = ProviderCapabilities(rawValue: 1 << 0)
    /// ``WhatsAppProvider/sendTypingIndicator(to:replyingTo:)`` works.
    public static let typingIndicator = ProviderCapabilities(rawValue: 1 << 1)
    /// ``WhatsAppProvider/uploadMedia(_:mimeType:filename:)`` works and media ids can be sent.
    public static let mediaUpload = ProviderCapabilities(rawValue: 1 << 2)
    /// Reply buttons and lists render for the customer.
    public static let interactive = ProviderCapabilities(rawValue: 1 << 3)
    /// Approved templates can be sent (needed outside the 24-hour window).
    public static let templates = ProviderCapabilities(rawValue: 1 << 4)
    /// Contact cards can be sent.
    public static let contacts = ProviderCapabilities(rawValue: 1 << 5)
    /// Reactions can be sent.
    public static let reactions = ProviderCapabilities(rawValue: 1 << 6)
    /// The session is linked by scanning a QR code or entering a pairing code.
    public static let qrLogin = ProviderCapabilities(rawValue: 1 << 7)
}
