/// One step of a streamed completion, in arrival order.
public enum LLMStreamEvent: Sendable, Hashable {
    /// A piece of reply text, to show or forward as it arrives.
    case contentDelta(String)
    /// A piece of one tool call.
    case toolCallDelta(ToolCallDelta)
    /// The whole completion, assembled from every delta, with usage and latency; always the
    /// last event of a stream that did not throw.
    case completed(LLMCompletion)
}

/// A fragment of one tool call in a stream: the first fragment of a call carries its id and
/// name, later ones only more of the arguments text.
public struct ToolCallDelta: Sendable, Hashable {
    /// The call's position among the reply's tool calls.
    public var index: Int
    /// The call id, on the fragment that first carries it.
    public var id: String?
    /// The function name, on the fragment that first carries it.
    public var name: String?
    /// More of the arguments JSON text (possibly empty).
    public var arguments: String

    /// Creates a fragment.
    public init(index: Int, id: String? = nil, name: String? = nil, arguments: String = "") {
        self.index = index
        self.id = id
        self.name = name
        self.arguments = arguments
    }
}

/// Builds the final completion from streamed chunks, the way a non-streaming response would
/// have carried it: content fragments joined, tool calls merged by index (id and name taken
/// once, arguments concatenated).
struct CompletionAssembler {
    private struct PartialCall {
        var id = ""
        var name = ""
        var arguments = ""
    }

    private(set) var id: String?
    private(set) var model: String?
    private(set) var finishReason: FinishReason?
    private(set) var usage: LLMUsage?
    private var content = ""
    private var calls: [Int: PartialCall] = [:]

    /// Folds `chunk` in and returns the events it produced.
    mutating func add(_ chunk: ChatCompletionChunk) -> [LLMStreamEvent] {
        if id == nil { id = chunk.id }
        if model == nil { model = chunk.model }
        if let usage = chunk.usage { self.usage = usage }
        guard let choice = chunk.choices.first else { return [] }
        if let reason = choice.finishReason { finishReason = reason }
        guard let delta = choice.delta else { return [] }
        var events: [LLMStreamEvent] = []
        // OpenAI opens with `"content": ""` beside the role; an empty fragment is not content,
        // or a tool-calls-only reply would end with "" where the non-streamed one has null.
        if let text = delta.content, !text.isEmpty {
            content += text
            events.append(.contentDelta(text))
        }
        for fragment in delta.toolCalls {
            let index = index(of: fragment)
            var call = calls[index] ?? PartialCall()
            var event = ToolCallDelta(index: index, arguments: fragment.arguments ?? "")
            if call.id.isEmpty, let id = fragment.id, !id.isEmpty {
                call.id = id
                event.id = id
            }
            // Some servers repeat the name on every fragment; it is a name, not a fragment.
            if call.name.isEmpty, let name = fragment.name, !name.isEmpty {
                call.name = name
                event.name = name
            }
            call.arguments += fragment.arguments ?? ""
            calls[index] = call
            events.append(.toolCallDelta(event))
        }
        return events
    }

    /// The index a fragment belongs to. Servers that omit `index` send either one whole call
    /// per fragment (a new id) or continuations of the latest call (no id).
    private func index(of fragment: ChatCompletionChunk.ToolCallDelta) -> Int {
        if let index = fragment.index { return index }
        guard let id = fragment.id, !id.isEmpty else { return calls.keys.max() ?? 0 }
        return calls.first { $0.value.id == id }?.key ?? (calls.keys.max().map { $0 + 1 } ?? 0)
    }

    /// The assistant message so far.
    var message: ChatMessage {
        let toolCalls = calls.sorted { $0.key < $1.key }.enumerated().map { position, entry in
            ToolCall(
                id: entry.value.id.isEmpty ? "call_\(position)" : entry.value.id, name: entry.value.name,
                arguments: entry.value.arguments.isEmpty ? "{}" : entry.value.arguments)
        }
        return .assistant(content.isEmpty ? nil : content, toolCalls: toolCalls)
    }
}
