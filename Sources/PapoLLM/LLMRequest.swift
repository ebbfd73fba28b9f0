public import PapoCore

/// One chat-completions call, independent of where it is sent: the model, the authentication and
/// the server dialect come from ``LLMEndpoint``.
public struct LLMRequest: Sendable, Hashable {
    /// The conversation so far, oldest first.
    public var messages: [ChatMessage]
    /// The functions the model may call; empty sends no `tools` at all.
    public var tools: [ToolDefinition]
    /// How the model may use ``tools``; ignored when there are none, since OpenAI rejects a
    /// `tool_choice` without tools.
    public var toolChoice: ToolChoice?
    /// Whether the model may call several tools in one reply; `nil` leaves the server default.
    public var parallelToolCalls: Bool?
    /// Sampling temperature; `nil` leaves the server default.
    public var temperature: Double?
    /// The most tokens to generate, sent as `max_tokens` or `max_completion_tokens` according to
    /// ``LLMEndpoint/maxTokensField``.
    public var maxTokens: Int?
    /// An end-user identifier for the provider's abuse monitoring (Papo sends tenant and
    /// customer, e.g. `tenant42:5511999990000`).
    public var user: String?
    /// `response_format`, e.g. `{"type":"json_object"}`; `nil` leaves it out.
    public var responseFormat: JSONValue?
    /// Stop sequences; empty leaves `stop` out.
    public var stop: [String]
    /// A model for this call only, instead of ``LLMEndpoint/model``.
    public var model: String?
    /// Server-specific body fields (vLLM's `top_k`, Ollama's `options`...). They are written
    /// last, so they can also replace a standard field when a server needs another shape.
    public var extraFields: [String: JSONValue]

    /// Creates a request.
    public init(
        messages: [ChatMessage], tools: [ToolDefinition] = [], toolChoice: ToolChoice? = nil,
        parallelToolCalls: Bool? = nil, temperature: Double? = nil, maxTokens: Int? = nil,
        user: String? = nil, responseFormat: JSONValue? = nil, stop: [String] = [], model: String? = nil,
        extraFields: [String: JSONValue] = [:]
    ) {
        self.messages = messages
        self.tools = tools
        self.toolChoice = toolChoice
        self.parallelToolCalls = parallelToolCalls
        self.temperature = temperature
        self.maxTokens = maxTokens
        self.user = user
        self.responseFormat = responseFormat
        self.stop = stop
        self.model = model
        self.extraFields = extraFields
    }
}

/// The JSON body of `POST /chat/completions`: an ``LLMRequest`` resolved against an endpoint.
struct ChatCompletionBody: Encodable {
    var request: LLMRequest
    var model: String
    var maxTokensField: LLMEndpoint.MaxTokensField
    var stream: Bool
    var includeStreamUsage: Bool

    /// Any key, because the max-tokens field name and ``LLMRequest/extraFields`` are dynamic.
    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Key.self)
        let extra = request.extraFields
        func put(_ value: some Encodable, _ key: String) throws {
            if extra[key] == nil { try container.encode(value, forKey: Key(key)) }
        }
        try put(model, "model")
        try put(request.messages, "messages")
        if !request.tools.isEmpty {
            try put(request.tools, "tools")
            if let choice = request.toolChoice { try put(choice, "tool_choice") }
            if let parallel = request.parallelToolCalls { try put(parallel, "parallel_tool_calls") }
        }
        if let temperature = request.temperature { try put(temperature, "temperature") }
        if let maxTokens = request.maxTokens { try put(maxTokens, maxTokensField.rawValue) }
        if let user = request.user { try put(user, "user") }
        if let format = request.responseFormat { try put(format, "response_format") }
        if !request.stop.isEmpty { try put(request.stop, "stop") }
        try put(stream, "stream")
        if stream, includeStreamUsage {
            // Without it OpenAI and vLLM send no usage at all on a stream, and cost tracking
            // would silently record zero.
            try put(["include_usage": true] as JSONValue, "stream_options")
        }
        for (key, value) in extra {
            try container.encode(value, forKey: Key(key))
        }
    }
}
