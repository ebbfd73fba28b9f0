/// The type of a message, in either direction, as stored in the `messages.type` column and
/// as WhatsApp names it on the wire.
public enum MessageKind: String, Sendable, Hashable, Codable, CaseIterable {
    case text
    case image
    case video
    case document
    case audio
    case sticker
    case location
    case contacts
    case reaction
    /// Interactive messages: reply buttons and lists, and the customer's taps on them.
    case interactive
    /// A tap on a template's quick-reply button (inbound only).
    case button
    case template
    /// A message WhatsApp could not show or a type this version does not know (inbound only).
    case unsupported
    /// A system notice such as "customer changed number" (inbound only).
    case system
}
