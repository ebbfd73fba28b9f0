public import Foundation
public import PapoCore

/// Something a provider reported, normalised across providers: what ingest stores and the
/// engine acts on.
///
/// Every payload carries a `sessionKey`: the provider's name for the business number the
/// event belongs to (Meta `phone_number_id`, the Evolution instance name, the sandbox
/// session), which ingest resolves to a session and tenant.
public enum InboundEvent: Sendable, Equatable {
    /// A customer wrote to the business.
    case message(InboundMessage)
    /// A person wrote from the business phone itself (Baileys `fromMe`): not a customer
    /// message, but the signal to pause the bot for that conversation (human takeover).
    /// Evolution does not echo API sends this way, but check the id against Papo's own
    /// outbound ids before pausing, in case a gateway does.
    case operatorMessage(InboundMessage)
    /// An outbound message moved on: sent, delivered, read, played or failed.
    case status(StatusUpdate)
    /// The session's connection changed or a new QR code is ready (Baileys).
    case connection(sessionKey: String, SessionConnection)
}

/// A message received from WhatsApp.
public struct InboundMessage: Sendable, Equatable {
    /// The business number it belongs to, in the provider's terms.
    public var sessionKey: String
    /// The provider's message id: the dedupe key.
    public var providerMessageID: String
    /// The sender (or, for operator messages, the chat) as the provider wrote it: a `wa_id`
    /// for Meta, a JID for Baileys (possibly `@lid`).
    public var from: String
    /// The customer's phone number, when the provider revealed one. `nil` for a Baileys
    /// `@lid` chat without a phone alternative.
    public var phoneNumber: PhoneNumber?
    /// When WhatsApp says the message was sent.
    public var timestamp: Date
    /// The message type.
    public var kind: MessageKind
    /// The type-specific content, shaped like Meta's webhook object for that type
    /// (`{"body": …}` for text, `{"id", "caption", "mime_type", …}` for media).
    public var content: JSONValue
    /// The text a bot should read: the body, a caption, the title of a tapped button or list
    /// row. `nil` for content without text (a sticker, a location without a name).
    public var text: String?
    /// The customer's profile name, when the provider sent it.
    public var contactName: String?
    /// The provider id of the message this one quotes or whose button was tapped.
    public var replyTo: String?
    /// Whether WhatsApp marked it forwarded.
    public var isForwarded: Bool

    /// Creates a message.
    public init(
        sessionKey: String, providerMessageID: String, from: String, phoneNumber: PhoneNumber?, timestamp: Date,
        kind: MessageKind, content: JSONValue, text: String?, contactName: String? = nil, replyTo: String? = nil,
        isForwarded: Bool = false
    ) {
        self.sessionKey = sessionKey
        self.providerMessageID = providerMessageID
        self.from = from
        self.phoneNumber = phoneNumber
        self.timestamp = timestamp
        self.kind = kind
        self.content = content
        self.text = text
        self.contactName = contactName
        self.replyTo = replyTo
        self.isForwarded = isForwarded
    }
}

/// A delivery report for an outbound message. Apply it with
/// ``MessageStatus/advanced(to:)``: reports arrive out of order and repeated.
public struct StatusUpdate: Sendable, Equatable {
    /// The business number it belongs to, in the provider's terms.
    public var sessionKey: String
    /// The id ``WhatsAppProvider/send(_:to:)`` returned.
    public var providerMessageID: String
    /// The reported status.
    public var status: MessageStatus
    /// When it happened.
    public var timestamp: Date
    /// The recipient, as the provider wrote it, when given.
    public var recipient: String?
    /// Why the message failed, for ``MessageStatus/failed``.
    public var error: ProviderError?

    /// Creates a status report.
    public init(
        sessionKey: String, providerMessageID: String, status: MessageStatus, timestamp: Date,
        recipient: String? = nil, error: ProviderError? = nil
    ) {
        self.sessionKey = sessionKey
        self.providerMessageID = providerMessageID
        self.status = status
        self.timestamp = timestamp
        self.recipient = recipient
        self.error = error
    }
}
