public import PapoLLM
public import PapoStore

/// Turns a conversation's stored messages and tool exchanges into the chat messages of a model
/// call, within the template's message and token budgets.
///
/// Token counts are estimated (about four characters per token, plus a few per message for
/// the role framing): exact counts need the model's tokenizer, and a budget only has to keep
/// the prompt well inside the context window. A context-length error from the server is the
/// backstop; the runner then retries with a smaller window.
public enum ContextBuilder {
    /// Overhead per chat message (role and separators) in the estimate.
    static let perMessageTokens = 4

    /// A rough token count for `text`.
    public static func estimateTokens(_ text: String) -> Int {
        (text.unicodeScalars.count + 3) / 4
    }

    /// The chat messages for one call: the system prompt (with the rolling summary appended),
    /// then the newest stored messages that fit both budgets, oldest first.
    ///
    /// A model round with tool calls is one unit — the assistant message that made the calls
    /// and every result — kept or dropped whole: a result without its call, or a call without
    /// its result, is rejected by the API. Rounds sit after the customer message whose `seq`
    /// they are anchored to. The newest message is always kept, even alone over budget: a turn
    /// without the customer's words cannot answer them.
    public static func build(
        systemPrompt: String, summary: String, window: [ConversationMessage], toolCalls: [ToolCallRecord] = [],
        maxMessages: Int, maxTokens: Int
    ) -> [ChatMessage] {
        var system = systemPrompt
        if !summary.isEmpty {
            system += "\n\n# Resumo da conversa até aqui\n" + summary
        }
        var messagesLeft = max(1, maxMessages)
        var tokensLeft = maxTokens - (summary.isEmpty ? 0 : estimateTokens(summary))
        var kept: [[ChatMessage]] = []
        for unit in units(window: window, toolCalls: toolCalls).reversed() {
            let cost = unit.reduce(0) { $0 + estimateTokens(tokenText($1)) + perMessageTokens }
            if !kept.isEmpty, unit.count > messagesLeft || cost > tokensLeft { break }
            messagesLeft -= unit.count
            tokensLeft -= cost
            kept.append(unit)
        }
        return [.system(system)] + kept.reversed().flatMap { $0 }
    }

    /// The window in order as indivisible units: one per stored message, one per tool round.
    static func units(window: [ConversationMessage], toolCalls: [ToolCallRecord]) -> [[ChatMessage]] {
        var rounds: [Int64: [[ToolCallRecord]]] = [:]
        for record in toolCalls {
            guard let anchor = record.afterSeq else { continue }
            var anchored = rounds[anchor, default: []]
            if let last = anchored.last?.last, last.round == record.round {
                anchored[anchored.count - 1].append(record)
            } else {
                anchored.append([record])
            }
            rounds[anchor] = anchored
        }
        var units: [[ChatMessage]] = []
        for message in window {
            units.append([chatMessage(message)])
            for round in rounds[message.seq] ?? [] {
                let calls = round.map { ToolCall(id: $0.callID, name: $0.name, arguments: $0.arguments) }
                units.append(
                    [.assistant(round[0].assistantText, toolCalls: calls)]
                        + round.map { ChatMessage.tool(callID: $0.callID, content: $0.result) })
            }
        }
        return units
    }

    /// The text a message costs in the estimate: content plus any tool call arguments.
    static func tokenText(_ message: ChatMessage) -> String {
        (message.content ?? "") + message.toolCalls.map { $0.name + $0.arguments }.joined()
    }

    /// A stored message in chat form: the customer is the user; everything the business sent
    /// (the bot, an operator, the API) is the assistant's side of the conversation.
    static func chatMessage(_ message: ConversationMessage) -> ChatMessage {
        message.isInbound ? .user(message.text) : .assistant(message.text)
    }
}
