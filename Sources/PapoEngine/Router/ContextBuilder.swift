public import PapoLLM
public import PapoStore

/// Turns a conversation's stored messages into the chat messages of a model call, within the
/// template's message and token budgets.
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
    /// The newest message is always kept, even alone over budget: a turn without the
    /// customer's words cannot answer them.
    public static func build(
        systemPrompt: String, summary: String, window: [ConversationMessage], maxMessages: Int, maxTokens: Int
    ) -> [ChatMessage] {
        var system = systemPrompt
        if !summary.isEmpty {
            system += "\n\n# Resumo da conversa até aqui\n" + summary
        }
        var budget = maxTokens - (summary.isEmpty ? 0 : estimateTokens(summary))
        var kept: [ChatMessage] = []
        for message in window.reversed() {
            guard kept.count < max(1, maxMessages) else { break }
            let chat = chatMessage(message)
            let cost = estimateTokens(chat.content ?? "") + perMessageTokens
            if !kept.isEmpty, cost > budget { break }
            budget -= cost
            kept.append(chat)
        }
        return [.system(system)] + kept.reversed()
    }

    /// A stored message in chat form: the customer is the user; everything the business sent
    /// (the bot, an operator, the API) is the assistant's side of the conversation.
    static func chatMessage(_ message: ConversationMessage) -> ChatMessage {
        message.isInbound ? .user(message.text) : .assistant(message.text)
    }
}
