import Foundation
import Logging
import PapoCore
import PapoLLM
import PapoPlugins
import PapoStore

extension TurnRunner {
    /// The answer of the model path, or of the offline section standing in for it.
    struct Answer: Sendable {
        var text: String
        var offline: Bool
        var handoffReason: String?
        var usage: [UsageRecord]
        var toolCalls: [ToolCallRecord] = []
        /// The newest unfolded messages as loaded (up to the message budget), to tell whether
        /// the summary may need folding.
        var window: [ConversationMessage] = []
    }

    /// Builds the context and runs the tool loop within the template's turn timeout; any
    /// failure of the model (after the client's own retries) falls back to the offline answers.
    ///
    /// `throughSeq` is the newest customer message this turn answers: messages that arrive
    /// while the turn runs are kept out of its window, since they stay unanswered for the next
    /// turn — a model that saw them would answer them twice.
    func think(
        _ turn: ClaimedTurn, selection: ConversationRouter.Selection, texts: [String], throughSeq: Int64,
        inputs: ConversationStore.TurnInputs
    ) async throws -> Answer {
        let conversation = turn.conversation
        let template = selection.template
        let modelName = template.model.name ?? configuration.defaultModel
        func offline(_ usage: [UsageRecord]) async throws -> Answer {
            let hasReplied = try await store.hasBotReplies(conversation)
            let text = templateText(
                OfflineResponder.answer(template: template, texts: texts, isFirstContact: !hasReplied), turn,
                selection: selection)
            return Answer(text: text, offline: true, handoffReason: nil, usage: usage)
        }
        guard let llm = try await client(for: conversation.tenantID) else { return try await offline([]) }
        if conversation.turnAttempts > configuration.maxTurnAttempts {
            logger.warning(
                "turn failed repeatedly; answering offline",
                metadata: ["conversation": "\(conversation.id)", "attempts": "\(conversation.turnAttempts)"])
            return try await offline([])
        }
        // The window came with the turn's first read when it fits what was read; calls
        // older than the window are dropped here.
        let maxWindow = template.context.maxMessages
        let loaded =
            maxWindow <= inputs.windowPrefetch
            ? Array(inputs.window.suffix(maxWindow)) : try await store.loadWindow(conversation, maxMessages: maxWindow)
        let calls = inputs.toolCalls
        let window = loaded.filter { !($0.isInbound && $0.answeredAt == nil && $0.seq > throughSeq) }
        let oldest = window.map(\.seq).min() ?? .max
        let toolCalls = calls.filter { ($0.afterSeq ?? .min) >= oldest }
        let timeZone = TimeZone(identifier: turn.tenant.timezone) ?? BuiltInTools.defaultTimeZone
        let loop = ToolLoop(client: llm, plugins: plugins, logger: logger)
        let context = pluginContext(turn)
        let user = "\(turn.tenant.id.uuidString):\(conversation.customerNumber)"
        let systemPrompt = template.renderSystemPrompt(variables(turn, selection: selection), logger: logger).text
        var maxMessages = template.context.maxMessages
        var usage: [UsageRecord] = []
        var trims = 0
        while true {
            let messages = ContextBuilder.build(
                systemPrompt: systemPrompt, summary: conversation.summary, window: window, toolCalls: toolCalls,
                maxMessages: maxMessages, maxTokens: template.context.maxTokens)
            do {
                let result = try await withDeadline(template.limits.turnTimeout.duration) {
                    try await loop.run(
                        messages: messages, template: template, context: context, user: user, timeZone: timeZone)
                }
                usage += result.usage
                let text = result.text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
                if result.handoffReason == nil, text.isEmpty {
                    return try await offline(usage)
                }
                return Answer(
                    text: text, offline: false, handoffReason: result.handoffReason, usage: usage,
                    toolCalls: result.records, window: loaded)
            } catch let failure as ToolLoop.Failure {
                usage += failure.usage
                usage.append(UsageRecord(model: modelName, error: "\(failure.error.code): \(failure.error.message)"))
                if failure.error.code == .contextLengthExceeded, trims < configuration.contextTrims, maxMessages > 1 {
                    trims += 1
                    maxMessages = max(1, min(maxMessages, window.count) / 2)
                    continue
                }
                logger.warning(
                    "model unavailable; answering offline",
                    metadata: ["conversation": "\(conversation.id)", "error": "\(failure.error.code)"])
                return try await offline(usage)
            } catch let timeout as DeadlineExceededError {
                usage.append(UsageRecord(model: modelName, error: "turn timeout: \(timeout)"))
                logger.warning("turn timed out; answering offline", metadata: ["conversation": "\(conversation.id)"])
                return try await offline(usage)
            }
        }
    }

    /// A customer-facing text written in the template (handoff, finish and offline answers)
    /// with its `{{variables}}` filled in; the model's own answers are never rendered.
    func templateText(_ text: String, _ turn: ClaimedTurn, selection: ConversationRouter.Selection) -> String {
        guard text.contains("{{") else { return text }
        return PromptRenderer.render(text, variables: variables(turn, selection: selection).values).text
    }

    /// The prompt variables of a turn, in the tenant's time zone.
    func variables(_ turn: ClaimedTurn, selection: ConversationRouter.Selection) -> PromptVariables {
        var business: [String: String] = [:]
        for (key, value) in turn.tenant.business {
            business[key] = value.stringValue ?? value.jsonText
        }
        return PromptVariables(
            tenantName: turn.tenant.name, agentName: selection.agent?.name ?? selection.template.name,
            customerName: turn.conversation.customerName, customerPhone: turn.conversation.customerNumber,
            business: business, now: Date(),
            timeZone: TimeZone(identifier: turn.tenant.timezone) ?? TimeZone(identifier: "America/Sao_Paulo")!,
            language: selection.template.language)
    }

    /// Who the tool calls are for; the loop adds each capability's `config`.
    func pluginContext(_ turn: ClaimedTurn) -> PluginCallContext {
        PluginCallContext(
            tenantId: turn.tenant.id.uuidString, conversationId: turn.conversation.id.uuidString,
            customerNumber: turn.conversation.customerNumber, customerName: turn.conversation.customerName)
    }
}

/// A piece of work overran its time budget.
public struct DeadlineExceededError: Error, Sendable, CustomStringConvertible {
    /// The budget it had.
    public var limit: Duration

    public var description: String { "no result within \(limit)" }
}

/// Runs `operation`, cancelling it and throwing ``DeadlineExceededError`` when it takes longer
/// than `limit`. The operation must honour cancellation for the deadline to free its resources
/// promptly (HTTP calls and plugin calls do).
public func withDeadline<T: Sendable>(
    _ limit: Duration, _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            throw DeadlineExceededError(limit: limit)
        }
        return value
    }
}
