import Foundation
import Logging
import PapoCore
import PapoLLM
import PapoStore

/// Keeps long conversations cheap: when the messages not yet in the rolling summary outgrow
/// the template's window budgets, the older part is folded into the summary by the model, and
/// later windows start after it.
///
/// It runs after a turn's replies are queued, so it never delays an answer; it folds down to
/// half the budgets at a time, so it runs once every several turns rather than every turn.
/// A failed summarisation changes nothing and is tried again after a later turn.
struct SummaryFolder: Sendable {
    let store: ConversationStore
    let llm: any LLMClient
    let logger: Logger

    /// Longest tool result quoted in the text to summarise.
    static let toolResultExcerpt = 300

    /// Folds when the conversation is over budget; returns whether a new summary was saved.
    @discardableResult
    func foldIfNeeded(_ conversation: Conversation, template: AgentTemplate) async -> Bool {
        do {
            let unfolded = try await store.unfoldedMessages(conversation)
            guard
                let cut = Self.foldCut(
                    unfolded, maxMessages: template.context.maxMessages,
                    maxTokens: template.context.maxTokens)
            else { return false }
            let folded = Array(unfolded[...cut])
            let upto = folded[folded.count - 1].seq
            let toolCalls = try await store.toolCalls(conversation, fromSeq: folded[0].seq).filter {
                ($0.afterSeq ?? .max) <= upto
            }
            let request = LLMRequest(
                messages: [
                    .system(template.context.summary.prompt),
                    .user(Self.foldText(previous: conversation.summary, messages: folded, toolCalls: toolCalls)),
                ],
                temperature: 0.2, maxTokens: 800, model: template.model.name)
            let completion: LLMCompletion
            do {
                completion = try await llm.complete(request)
            } catch let error as LLMError {
                logger.warning(
                    "summarising a conversation failed; will try after a later turn",
                    metadata: ["conversation": "\(conversation.id)", "error": "\(error.code)"])
                return false
            }
            let summary = completion.content?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            guard !summary.isEmpty else { return false }
            return try await store.saveSummary(
                summary, through: upto, replacing: conversation, usage: [ToolLoop.usage(of: completion)])
        } catch {
            logger.warning(
                "summary folding failed", metadata: ["conversation": "\(conversation.id)", "error": "\(error)"])
            return false
        }
    }

    /// Whether the unfolded messages may now exceed the budgets, judged from what the turn
    /// already read: its window (the newest unfolded messages, up to the message budget) plus
    /// the replies it queued. When this is false nothing can need folding, and the turn skips
    /// the query that would say so exactly.
    static func mayOverflow(
        window: [ConversationMessage], replies: [String], context: AgentTemplate.Context
    ) -> Bool {
        guard window.count + replies.count <= context.maxMessages else { return true }
        let tokens =
            window.reduce(0) { $0 + ContextBuilder.estimateTokens($1.text) + ContextBuilder.perMessageTokens }
            + replies.reduce(0) { $0 + ContextBuilder.estimateTokens($1) + ContextBuilder.perMessageTokens }
        return tokens > context.maxTokens
    }

    /// The index of the newest message to fold, or `nil` when the unfolded messages fit the
    /// budgets. Everything from the start through it is folded; the newest messages that fill
    /// half of each budget stay verbatim.
    static func foldCut(_ messages: [ConversationMessage], maxMessages: Int, maxTokens: Int) -> Int? {
        let tokens = messages.map { ContextBuilder.estimateTokens($0.text) + ContextBuilder.perMessageTokens }
        guard messages.count > maxMessages || tokens.reduce(0, +) > maxTokens else { return nil }
        var keptMessages = 0
        var keptTokens = 0
        var index = messages.count - 1
        while index >= 0, keptMessages < max(1, maxMessages / 2), keptTokens + tokens[index] <= maxTokens / 2 {
            keptMessages += 1
            keptTokens += tokens[index]
            index -= 1
        }
        // Keep at least the newest message, whatever its size.
        if keptMessages == 0 { index = messages.count - 2 }
        return index >= 0 ? index : nil
    }

    /// The user message of the summarisation call: the current summary and the messages to fold.
    static func foldText(previous: String, messages: [ConversationMessage], toolCalls: [ToolCallRecord]) -> String {
        var lines: [String] = []
        lines.append("Resumo anterior:")
        lines.append(previous.isEmpty ? "(nenhum)" : previous)
        lines.append("")
        lines.append("Mensagens a incorporar ao resumo, em ordem:")
        for message in messages {
            let speaker =
                message.isInbound ? "Cliente" : (message.author == "operator" ? "Atendente humano" : "Assistente")
            lines.append("\(speaker): \(message.text)")
            for call in toolCalls where call.afterSeq == message.seq {
                let result =
                    call.result.count > toolResultExcerpt
                    ? String(call.result.prefix(toolResultExcerpt)) + "…" : call.result
                lines.append("(ferramenta \(call.name) \(call.arguments) → \(result))")
            }
        }
        lines.append("")
        lines.append("Escreva o novo resumo, que substitui o anterior e inclui o que ainda vale dele.")
        return lines.joined(separator: "\n")
    }
}
