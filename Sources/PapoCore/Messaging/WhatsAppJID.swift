/// A WhatsApp Web address as Baileys writes it: `user@server`, optionally with a device
/// (`5511999998888:12@s.whatsapp.net`).
///
/// Three servers matter: `s.whatsapp.net` (a phone number), `lid` (an opaque "linked id" that
/// WhatsApp now uses instead of the number in many chats) and `g.us` (a group). A `lid`
/// address is not a phone number: replies must go to the phone JID, which gateways report
/// separately (`remoteJidAlt`).
public struct WhatsAppJID: Sendable, Hashable, CustomStringConvertible {
    /// The part after `@`.
    public enum Server: Sendable, Hashable {
        /// `s.whatsapp.net` (and the older `c.us`): a person's phone number.
        case user
        /// `lid`: a linked id that hides the number.
        case lid
        /// `g.us`: a group chat.
        case group
        /// `broadcast`: status updates and broadcast lists.
        case broadcast
        /// Any other server, kept verbatim.
        case other(String)

        init(_ text: String) {
            switch text {
            case "s.whatsapp.net", "c.us": self = .user
            case "lid": self = .lid
            case "g.us": self = .group
            case "broadcast": self = .broadcast
            default: self = .other(text)
            }
        }

        /// The server as written in a JID.
        public var name: String {
            switch self {
            case .user: "s.whatsapp.net"
            case .lid: "lid"
            case .group: "g.us"
            case .broadcast: "broadcast"
            case .other(let name): name
            }
        }
    }

    /// The part before `@`, without any `:device` suffix.
    public var user: String
    /// Where the address lives.
    public var server: Server
    /// The device number after `:`, when the JID names one device of an account.
    public var device: Int?

    /// Creates a JID from its parts.
    public init(user: String, server: Server, device: Int? = nil) {
        self.user = user
        self.server = server
        self.device = device
    }

    /// Parses `user[:device]@server`; `nil` when there is no `@` or no user.
    public init?(_ text: String) {
        guard let at = text.lastIndex(of: "@") else { return nil }
        var user = Substring(text[..<at])
        let server = String(text[text.index(after: at)...])
        var device: Int?
        if let colon = user.firstIndex(of: ":") {
            device = Int(user[user.index(after: colon)...])
            user = user[..<colon]
        }
        guard !user.isEmpty, !server.isEmpty else { return nil }
        self.init(user: String(user), server: Server(server), device: device)
    }

    /// Whether the JID is a person's phone number.
    public var isPhoneNumber: Bool { server == .user }
    /// Whether the JID is a linked id (no phone number visible).
    public var isLinkedID: Bool { server == .lid }
    /// Whether the JID is a group chat.
    public var isGroup: Bool { server == .group }

    /// The phone number, for `s.whatsapp.net` JIDs whose user part is a valid number.
    public var phoneNumber: PhoneNumber? {
        guard isPhoneNumber else { return nil }
        return try? PhoneNumber(user)
    }

    /// The account address without the device: what chats and replies use.
    public var withoutDevice: WhatsAppJID { WhatsAppJID(user: user, server: server) }

    public var description: String {
        if let device { return "\(user):\(device)@\(server.name)" }
        return "\(user)@\(server.name)"
    }
}
