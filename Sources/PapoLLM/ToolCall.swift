public import PapoCore

/// A function call the model asked for, as carried by an assistant message's `tool_calls`.
///
/// On the wire this is `{"id","type":"function","function":{"name","arguments"}}`, with
/// `arguments` a string of JSON text. Some local servers send `arguments` as a JSON object
/// instead; it is decoded into the same text form so callers see one shape.
public struct ToolCall: Sendable, Hashable, Codable {
    /// The call id that the tool result's `tool_call_id` must repeat.
    public var id: String
    /// The function name, one of the request's tools.
    public var name: String
    /// The arguments as JSON text, exactly as the model produced them (possibly invalid JSON:
    /// models make mistakes, and the engine reports them back rather than failing the turn).
    public var arguments: String

    /// Creates a tool call.
    public init(id: String, name: String, arguments: String) {
        self.id = id
        self.name = name
        self.arguments = arguments
    }

    /// The arguments parsed as JSON; throws when the model produced invalid JSON.
    public func parsedArguments() throws -> JSONValue {
        try JSONValue(parsing: arguments)
    }

    private enum CodingKeys: String, CodingKey {
        case id, type, function
    }

    private enum FunctionKeys: String, CodingKey {
        case name, arguments
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        // An empty id is filled in by the response decoder, which knows the call's position.
        id = try container.decodeIfPresent(String.self, forKey: .id) ?? ""
        let function = try container.nestedContainer(keyedBy: FunctionKeys.self, forKey: .function)
        name = try function.decodeIfPresent(String.self, forKey: .name) ?? ""
        arguments = Self.argumentsText(try function.decodeIfPresent(JSONValue.self, forKey: .arguments)) ?? "{}"
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode("function", forKey: .type)
        var function = container.nestedContainer(keyedBy: FunctionKeys.self, forKey: .function)
        try function.encode(name, forKey: .name)
        try function.encode(arguments, forKey: .arguments)
    }

    /// The text form of an `arguments` value: a string as is, any other JSON re-serialised,
    /// `null` or absent as `nil` (vLLM has sent `arguments: null` in streamed calls).
    static func argumentsText(_ value: JSONValue?) -> String? {
        switch value {
        case nil, .null?: nil
        case .string(let text)?: text
        case let other?: other.jsonText
        }
    }
}
