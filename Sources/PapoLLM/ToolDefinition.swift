public import PapoCore

/// A function the model may call, sent in the request's `tools` as
/// `{"type":"function","function":{"name","description","parameters"}}`.
public struct ToolDefinition: Sendable, Hashable, Codable {
    /// The function name the model will use in its tool calls.
    public var name: String
    /// What the function does, for the model to decide when to call it.
    public var description: String?
    /// The JSON Schema of the arguments object.
    public var parameters: JSONValue
    /// OpenAI's strict schema adherence flag; `nil` leaves it out (most servers ignore it).
    public var strict: Bool?

    /// Creates a tool definition.
    public init(
        name: String, description: String? = nil,
        parameters: JSONValue = ["type": "object", "properties": [:]], strict: Bool? = nil
    ) {
        self.name = name
        self.description = description
        self.parameters = parameters
        self.strict = strict
    }

    private enum CodingKeys: String, CodingKey {
        case type, function
    }

    private enum FunctionKeys: String, CodingKey {
        case name, description, parameters, strict
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let function = try container.nestedContainer(keyedBy: FunctionKeys.self, forKey: .function)
        name = try function.decode(String.self, forKey: .name)
        description = try function.decodeIfPresent(String.self, forKey: .description)
        parameters = try function.decodeIfPresent(JSONValue.self, forKey: .parameters) ?? .object([:])
        strict = try function.decodeIfPresent(Bool.self, forKey: .strict)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("function", forKey: .type)
        var function = container.nestedContainer(keyedBy: FunctionKeys.self, forKey: .function)
        try function.encode(name, forKey: .name)
        try function.encodeIfPresent(description, forKey: .description)
        try function.encode(parameters, forKey: .parameters)
        try function.encodeIfPresent(strict, forKey: .strict)
    }
}

/// How the model may use the request's tools (`tool_choice`).
public enum ToolChoice: Sendable, Hashable, Codable {
    /// The model decides (the default when tools are present).
    case auto
    /// The model must answer with text.
    case none
    /// The model must call at least one tool.
    case required
    /// The model must call this function.
    case function(String)

    private enum CodingKeys: String, CodingKey {
        case type, function
    }

    private enum FunctionKeys: String, CodingKey {
        case name
    }

    public init(from decoder: any Decoder) throws {
        if let word = try? decoder.singleValueContainer().decode(String.self) {
            switch word {
            case "none": self = .none
            case "required": self = .required
            default: self = .auto
            }
            return
        }
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let function = try container.nestedContainer(keyedBy: FunctionKeys.self, forKey: .function)
        self = .function(try function.decode(String.self, forKey: .name))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .auto, .none, .required:
            var container = encoder.singleValueContainer()
            try container.encode(self == .auto ? "auto" : self == .none ? "none" : "required")
        case .function(let name):
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("function", forKey: .type)
            var function = container.nestedContainer(keyedBy: FunctionKeys.self, forKey: .function)
            try function.encode(name, forKey: .name)
        }
    }
}
