/// One message of a chat-completions conversation, in the wire shape servers expect.
///
/// Build messages with the static constructors: ``system(_:)``, ``user(_:name:)``,
/// ``assistant(_:toolCalls:)`` and ``tool(callID:content:)``. A model's reply is an assistant
/// message that can be appended to the history verbatim, followed by one tool message per call.
public struct ChatMessage: Sendable, Hashable, Codable {
    /// Who wrote a message. Unknown roles from a server are kept, not rejected.
    public struct Role: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral,
        CustomStringConvertible
    {
        public var rawValue: String

        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }

        public init(from decoder: any Decoder) throws {
            rawValue = try decoder.singleValueContainer().decode(String.self)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(rawValue)
        }

        /// Instructions from the application.
        public static let system: Role = "system"
        /// The end customer.
        public static let user: Role = "user"
        /// The model.
        public static let assistant: Role = "assistant"
        /// A tool's result, answering one of the assistant's tool calls.
        public static let tool: Role = "tool"

        public var description: String { rawValue }
    }

    /// Who wrote the message.
    public var role: Role
    /// The text; `nil` for an assistant message that only calls tools.
    public var content: String?
    /// An optional participant name (OpenAI's `name`), for multi-party user messages.
    public var name: String?
    /// The tool calls of an assistant message; empty otherwise.
    public var toolCalls: [ToolCall]
    /// The call this tool message answers; `nil` for other roles.
    public var toolCallID: String?

    /// Creates a message; prefer the role-specific constructors.
    public init(
        role: Role, content: String?, name: String? = nil, toolCalls: [ToolCall] = [], toolCallID: String? = nil
    ) {
        self.role = role
        self.content = content
        self.name = name
        self.toolCalls = toolCalls
        self.toolCallID = toolCallID
    }

    /// A system prompt.
    public static func system(_ content: String) -> ChatMessage {
        ChatMessage(role: .system, content: content)
    }

    /// A customer message, optionally with a participant name.
    public static func user(_ content: String, name: String? = nil) -> ChatMessage {
        ChatMessage(role: .user, content: content, name: name)
    }

    /// A model reply: text, tool calls, or both.
    public static func assistant(_ content: String?, toolCalls: [ToolCall] = []) -> ChatMessage {
        ChatMessage(role: .assistant, content: content, toolCalls: toolCalls)
    }

    /// A tool's result for the call with id `callID`.
    public static func tool(callID: String, content: String) -> ChatMessage {
        ChatMessage(role: .tool, content: content, toolCallID: callID)
    }

    private enum CodingKeys: String, CodingKey {
        case role, content, name
        case toolCalls = "tool_calls"
        case toolCallID = "tool_call_id"
    }

    /// One element of an array-form `content` (`[{"type":"text","text":"..."}]`).
    private struct ContentPart: Decodable {
        var text: String?
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        role = try container.decodeIfPresent(Role.self, forKey: .role) ?? .assistant
        if let text = try? container.decodeIfPresent(String.self, forKey: .content) {
            content = text
        } else if let parts = try? container.decodeIfPresent([ContentPart].self, forKey: .content) {
            content = parts.compactMap(\.text).joined()
        } else {
            content = nil
        }
        name = try container.decodeIfPresent(String.self, forKey: .name)
        toolCalls = try container.decodeIfPresent([ToolCall].self, forKey: .toolCalls) ?? []
        toolCallID = try container.decodeIfPresent(String.self, forKey: .toolCallID)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(role, forKey: .role)
        if let content {
            try container.encode(content, forKey: .content)
        } else if role == .assistant {
            // OpenAI's own shape for a tool-calls-only reply; it round-trips verbatim.
            try container.encodeNil(forKey: .content)
        } else {
            // Other roles require a string, and an empty one is what was meant.
            try container.encode("", forKey: .content)
        }
        try container.encodeIfPresent(name, forKey: .name)
        if !toolCalls.isEmpty {
            try container.encode(toolCalls, forKey: .toolCalls)
        }
        try container.encodeIfPresent(toolCallID, forKey: .toolCallID)
    }
}
