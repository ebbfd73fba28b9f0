public import Foundation

/// A finished chat completion: the assistant message plus what the engine records about the
/// call (usage, cost, latency, attempts).
public struct LLMCompletion: Sendable, Hashable {
    /// The server's completion id, when it sent one.
    public var id: String?
    /// The model that answered, as the server reported it (else the requested model).
    public var model: String
    /// The reply, ready to append to the conversation.
    public var message: ChatMessage
    /// Why generation stopped; `nil` when the server did not say.
    public var finishReason: FinishReason?
    /// Token counts; `nil` when the server sent none (an interrupted stream, some local servers).
    public var usage: LLMUsage?
    /// Estimated cost from ``LLMEndpoint/prices``; `nil` without usage or a price.
    public var cost: Decimal?
    /// Time from sending the successful attempt to receiving its last byte.
    public var latency: Duration
    /// For streamed calls, time from sending the successful attempt to the first content or
    /// tool-call delta.
    public var timeToFirstToken: Duration?
    /// How many HTTP requests the call took (1 without retries).
    public var attempts: Int
    /// Time for the whole call, including failed attempts and backoff waits.
    public var totalDuration: Duration

    /// Creates a completion; the client builds these, fakes may too.
    public init(
        id: String? = nil, model: String, message: ChatMessage, finishReason: FinishReason? = nil,
        usage: LLMUsage? = nil, cost: Decimal? = nil, latency: Duration = .zero,
        timeToFirstToken: Duration? = nil, attempts: Int = 1, totalDuration: Duration? = nil
    ) {
        self.id = id
        self.model = model
        self.message = message
        self.finishReason = finishReason
        self.usage = usage
        self.cost = cost
        self.latency = latency
        self.timeToFirstToken = timeToFirstToken
        self.attempts = attempts
        self.totalDuration = totalDuration ?? latency
    }

    /// The reply text, `nil` when the model only called tools.
    public var content: String? { message.content }

    /// The tool calls of the reply, in the order the model made them.
    public var toolCalls: [ToolCall] { message.toolCalls }
}

/// Why the model stopped: `stop`, `length`, `tool_calls`, `content_filter`, or the deprecated
/// `function_call`. Unknown values from a server are kept.
public struct FinishReason: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral,
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

    /// A natural end or a stop sequence.
    public static let stop: FinishReason = "stop"
    /// The max-tokens limit cut the reply short.
    public static let length: FinishReason = "length"
    /// The model called tools.
    public static let toolCalls: FinishReason = "tool_calls"
    /// The provider's filter withheld content.
    public static let contentFilter: FinishReason = "content_filter"
    /// The deprecated single-function form of ``toolCalls``.
    public static let functionCall: FinishReason = "function_call"

    public var description: String { rawValue }
}

/// Token counts the server reported for one call.
public struct LLMUsage: Sendable, Hashable, Codable {
    /// Tokens in the prompt (messages and tool definitions).
    public var promptTokens: Int
    /// Tokens generated.
    public var completionTokens: Int
    /// Their sum, as the server reported it.
    public var totalTokens: Int

    /// Creates a usage record; `totalTokens` defaults to the sum.
    public init(promptTokens: Int, completionTokens: Int, totalTokens: Int? = nil) {
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens ?? promptTokens + completionTokens
    }

    private enum CodingKeys: String, CodingKey {
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
        case totalTokens = "total_tokens"
    }

    public init(from decoder: any Decoder) throws {
        // Servers omit fields (or send null) in usage objects; missing counts are zero.
        let container = try decoder.container(keyedBy: CodingKeys.self)
        promptTokens = try container.decodeIfPresent(Int.self, forKey: .promptTokens) ?? 0
        completionTokens = try container.decodeIfPresent(Int.self, forKey: .completionTokens) ?? 0
        totalTokens =
            try container.decodeIfPresent(Int.self, forKey: .totalTokens) ?? promptTokens + completionTokens
    }
}
