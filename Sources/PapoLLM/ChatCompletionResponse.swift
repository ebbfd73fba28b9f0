import Foundation
import PapoCore

/// The body of a non-streaming `chat.completion` response. Every field is optional because
/// compatible servers omit different ones; only the first choice is used (Papo never asks for
/// `n > 1`).
struct ChatCompletionResponse: Decodable {
    var id: String?
    var model: String?
    var choices: [Choice]
    var usage: LLMUsage?

    struct Choice: Decodable {
        var message: ChatMessage?
        var finishReason: FinishReason?

        private enum CodingKeys: String, CodingKey {
            case message
            case finishReason = "finish_reason"
        }
    }

    private enum CodingKeys: String, CodingKey {
        case id, model, choices, usage
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try? container.decodeIfPresent(String.self, forKey: .id)
        model = try? container.decodeIfPresent(String.self, forKey: .model)
        // vLLM has sent `choices: null`; it reads as no choice, which the client reports.
        choices = try container.decodeIfPresent([Choice].self, forKey: .choices) ?? []
        usage = try? container.decodeIfPresent(LLMUsage.self, forKey: .usage)
    }

    /// The first choice's message with every tool call given an id: a few local servers omit
    /// ids, and the follow-up tool message has to name one.
    var firstMessage: ChatMessage? {
        guard var message = choices.first?.message else { return nil }
        for index in message.toolCalls.indices where message.toolCalls[index].id.isEmpty {
            message.toolCalls[index].id = "call_\(index)"
        }
        return message
    }
}

/// One `chat.completion.chunk` of a streamed response.
struct ChatCompletionChunk: Decodable {
    var id: String?
    var model: String?
    var choices: [Choice]
    var usage: LLMUsage?

    struct Choice: Decodable {
        var delta: Delta?
        var finishReason: FinishReason?

        private enum CodingKeys: String, CodingKey {
            case delta
            case finishReason = "finish_reason"
        }
    }

    struct Delta: Decodable {
        var content: String?
        var toolCalls: [ToolCallDelta]

        private enum CodingKeys: String, CodingKey {
            case content
            case toolCalls = "tool_calls"
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            content = try? container.decodeIfPresent(String.self, forKey: .content)
            toolCalls = try container.decodeIfPresent([ToolCallDelta].self, forKey: .toolCalls) ?? []
        }
    }

    /// A fragment of one tool call: the first carries `id` and `name`, later ones only `index`
    /// and a piece of `arguments`.
    struct ToolCallDelta: Decodable {
        var index: Int?
        var id: String?
        var name: String?
        var arguments: String?

        private enum CodingKeys: String, CodingKey {
            case index, id, function
        }

        private enum FunctionKeys: String, CodingKey {
            case name, arguments
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            index = try container.decodeIfPresent(Int.self, forKey: .index)
            id = try container.decodeIfPresent(String.self, forKey: .id)
            if let function = try? container.nestedContainer(keyedBy: FunctionKeys.self, forKey: .function) {
                name = try function.decodeIfPresent(String.self, forKey: .name)
                arguments = ToolCall.argumentsText(try function.decodeIfPresent(JSONValue.self, forKey: .arguments))
            }
        }
    }

    private enum CodingKeys: String, CodingKey {
        case id, model, choices, usage
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try? container.decodeIfPresent(String.self, forKey: .id)
        model = try? container.decodeIfPresent(String.self, forKey: .model)
        // The final usage chunk has `choices: []` (OpenAI) or `choices: null` (vLLM).
        choices = try container.decodeIfPresent([Choice].self, forKey: .choices) ?? []
        usage = try? container.decodeIfPresent(LLMUsage.self, forKey: .usage)
    }
}
