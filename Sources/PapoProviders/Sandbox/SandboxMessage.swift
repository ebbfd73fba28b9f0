public import Foundation
public import PapoCore

/// One message in the sandbox's chat history, in either direction: what a web chat page or
/// the `papo chat` CLI shows.
public struct SandboxMessage: Sendable, Equatable {
    /// Who wrote it.
    public enum Direction: String, Sendable, Hashable {
        /// From the business (an agent reply or an API send).
        case outbound
        /// From the simulated customer.
        case inbound
    }

    /// The `sandbox.<uuid>` id.
    public var id: String
    public var direction: Direction
    /// The simulated customer on the other side of the chat.
    public var customer: PhoneNumber
    public var kind: MessageKind
    /// What a chat bubble shows: the text, a caption, a button body, a template name.
    public var text: String?
    /// The full outbound message, for rendering media, buttons and lists.
    public var message: OutboundMessage?
    /// Outbound: how far the simulation got. Inbound: ``MessageStatus/received``.
    public var status: MessageStatus
    public var timestamp: Date
    /// Inbound: whether the business marked it read.
    public var isReadByBusiness: Bool
}

extension OutboundMessage {
    /// The text a chat bubble shows for this message.
    var previewText: String? {
        switch content {
        case .text(let body, _): body
        case .media(let media): media.caption ?? media.filename
        case .location(let location): location.name ?? location.address
        case .contacts(let contacts): contacts.map(\.formattedName).joined(separator: ", ")
        case .reaction(_, let emoji): emoji
        case .buttons(let buttons): buttons.body
        case .list(let list): list.body
        case .template(let template): template.name
        }
    }
}
