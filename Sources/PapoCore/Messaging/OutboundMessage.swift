/// A message a business sends, independent of the provider that carries it.
///
/// Build one, call ``validate()`` (providers call it again before sending), and hand it to a
/// provider with a ``PhoneNumber``. Limits follow meta-cloud-api.md §1.3; a provider that
/// cannot carry a kind (Baileys has no templates) rejects it with a permanent error.
public struct OutboundMessage: Sendable, Hashable {
    /// What the message carries.
    public enum Content: Sendable, Hashable {
        /// Plain text; `previewURL` asks WhatsApp to render the first link.
        case text(body: String, previewURL: Bool = false)
        /// An image, video, document, sticker or audio by link or uploaded media id.
        case media(Media)
        /// A map pin.
        case location(Location)
        /// One or more contact cards.
        case contacts([Contact])
        /// An emoji reaction to an earlier message; an empty emoji removes the reaction.
        case reaction(messageID: String, emoji: String)
        /// Up to three reply buttons.
        case buttons(Buttons)
        /// A list of choices behind a button.
        case list(List)
        /// An approved template, the only kind allowed outside the 24-hour window.
        case template(Template)
    }

    /// What the message carries.
    public var content: Content
    /// The provider id of the message this one quotes, shown as a quoted reply.
    public var replyTo: String?

    /// Creates a message.
    public init(_ content: Content, replyTo: String? = nil) {
        self.content = content
        self.replyTo = replyTo
    }

    /// A text message.
    public static func text(_ body: String, previewURL: Bool = false, replyTo: String? = nil) -> OutboundMessage {
        OutboundMessage(.text(body: body, previewURL: previewURL), replyTo: replyTo)
    }

    /// The stored type of the message.
    public var kind: MessageKind {
        switch content {
        case .text: .text
        case .media(let media):
            switch media.kind {
            case .image: .image
            case .video: .video
            case .document: .document
            case .sticker: .sticker
            case .audio: .audio
            }
        case .location: .location
        case .contacts: .contacts
        case .reaction: .reaction
        case .buttons, .list: .interactive
        case .template: .template
        }
    }

    /// A map pin; name and address are optional labels.
    public struct Location: Sendable, Hashable {
        public var latitude: Double
        public var longitude: Double
        public var name: String?
        public var address: String?

        public init(latitude: Double, longitude: Double, name: String? = nil, address: String? = nil) {
            self.latitude = latitude
            self.longitude = longitude
            self.name = name
            self.address = address
        }
    }
}
