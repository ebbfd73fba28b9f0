public import Foundation
public import Logging
import PapoCore
public import PapoLLM
public import PapoPlugins
public import PapoStore

/// Runs one claimed turn from the customer's new messages to queued replies: routing, the
/// handoff and finish keywords, the context window, the model with its tools (or the offline
/// answers when the model is unavailable), reply splitting, and the one transaction that
/// queues the replies and marks the messages answered.
public struct TurnRunner: Sendable {
    /// Settings that are not the template's.
    public struct Configuration: Sendable {
        /// The model name recorded for failed calls of templates that name none.
        public var defaultModel: String
        /// Claims of one turn (after crashes or errors) before it is answered offline, so a
        /// message that breaks the model path cannot block the conversation forever.
        public var maxTurnAttempts: Int
        /// Context-length errors retried with a window half the size each time.
        public var contextTrims: Int
        /// Window messages read with the turn's first round trip, before the agent (and so its
        /// window size) is known; a template with a larger window reads its own.
        public var windowPrefetch: Int

        public init(
            defaultModel: String = "default", maxTurnAttempts: Int = 3, contextTrims: Int = 2, windowPrefetch: Int = 50
        ) {
            self.defaultModel = defaultModel
            self.maxTurnAttempts = maxTurnAttempts
            self.contextTrims = contextTrims
            self.windowPrefetch = max(0, windowPrefetch)
        }
    }

    /// What a turn did.
    public enum Kind: String, Sendable, Hashable {
        /// The model answered.
        case answered
        /// The offline section answered (model unavailable, timed out or not configured).
        case offline
        /// Moved to a human (keyword or the model's handoff tool).
        case handedOff
        /// Closed by a finish keyword.
        case finished
        /// Nothing answered: no new messages, the bot is not in charge, or an operator took
        /// over while the turn ran.
        case skipped
    }

    /// The outcome of ``run(_:)``.
    public struct Report: Sendable, Equatable {
        public var kind: Kind
        public var replies: [String]
        public var agentID: UUID?
        public var templateID: String?
        /// Whether messages that arrived during the turn left the conversation due again.
        public var leftDue: Bool
    }

    let store: ConversationStore
    let router: ConversationRouter
    let llm: (any LLMClient)?
    /// Per-tenant endpoints; when set it decides the client of every turn instead of `llm`.
    let tenantClients: TenantLLMClients?
    let plugins: PluginHost?
    let configuration: Configuration
    let logger: Logger

    /// Creates a runner; without `llm` every turn is answered from the offline section.
    public init(
        store: ConversationStore, router: ConversationRouter, llm: (any LLMClient)?, plugins: PluginHost?,
        configuration: Configuration = Configuration(), logger: Logger
    ) {
        self.store = store
        self.router = router
        self.llm = llm
        self.tenantClients = nil
        self.plugins = plugins
        self.configuration = configuration
        self.logger = logger
    }

    /// Creates a runner whose model client is chosen per tenant (the platform's endpoint or
    /// the tenant's own); tenants with neither are answered from the offline section.
    public init(
        store: ConversationStore, router: ConversationRouter, clients: TenantLLMClients, plugins: PluginHost?,
        configuration: Configuration = Configuration(), logger: Logger
    ) {
        self.store = store
        self.router = router
        self.llm = nil
        self.tenantClients = clients
        self.plugins = plugins
        self.configuration = configuration
        self.logger = logger
    }

    /// The model client for a turn of `tenantID`.
    func client(for tenantID: UUID) async throws -> (any LLMClient)? {
        guard let tenantClients else { return llm }
        return try await tenantClients.client(for: tenantID)
    }

    /// Runs `turn` and completes it.
    ///
    /// - Throws: database errors (the worker releases the turn for a retry) and
    ///   `TurnLeaseLostError` when another worker took the conversation over; model failures
    ///   never escape, they become offline answers.
    @discardableResult
    public func run(_ turn: ClaimedTurn) async throws -> Report {
        let conversation = turn.conversation
        var completion = TurnCompletion(
            tenantID: conversation.tenantID, conversationID: conversation.id, worker: turn.worker,
            answeredThroughSeq: nil, replies: [])
        // Everything the turn reads, in one round trip; a conversation the bot does not answer
        // needs none of it.
        let inputs =
            conversation.state == .bot
            ? try await store.turnInputs(conversation, windowPrefetch: configuration.windowPrefetch) : nil
        let agents = inputs?.agents ?? []
        let unanswered = inputs?.unanswered ?? []
        guard let inputs, let newest = unanswered.last else {
            let outcome = try await store.completeTurn(completion)
            return Report(kind: .skipped, replies: [], leftDue: outcome.leftDue)
        }
        completion.answeredThroughSeq = newest.seq
        let texts = unanswered.map(\.text)
        guard let selection = router.selectAgent(for: conversation, agents: agents, text: texts.joined(separator: "\n"))
        else {
            // Nobody to answer: rather than swallow the messages, hand the conversation to the
            // tenant's people (a conversation.handoff event), with the messages still unanswered.
            logger.error(
                "no agent or default template applies; the conversation goes to a human",
                metadata: ["conversation": "\(conversation.id)"])
            completion.answeredThroughSeq = nil
            completion.newState = .human
            completion.handoffReason = "no_agent"
            let outcome = try await store.completeTurn(completion)
            return Report(kind: .handedOff, replies: [], leftDue: outcome.leftDue)
        }
        let template = selection.template
        completion.agentID = selection.agent?.id
        completion.assignAgentID = selection.assigns ? selection.agent?.id : nil
        completion.idleExpiry = template.context.idleExpiry.duration
        var kind = Kind.answered
        var text = ""
        var window: [ConversationMessage] = []
        switch router.decide(template: template, texts: texts) {
        case .handoff:
            kind = .handedOff
            text = templateText(template.handoff.message, turn, selection: selection)
            completion.newState = .human
            completion.handoffReason = "keyword"
        case .finish:
            kind = .finished
            text = templateText(template.finish.message ?? "", turn, selection: selection)
            completion.newState = .closed
        case .answer:
            let answer = try await think(
                turn, selection: selection, texts: texts, throughSeq: newest.seq, inputs: inputs)
            completion.usage = answer.usage
            completion.toolCalls = answer.toolCalls
            window = answer.window
            if let reason = answer.handoffReason {
                kind = .handedOff
                text = templateText(template.handoff.message, turn, selection: selection)
                completion.newState = .human
                completion.handoffReason = reason.isEmpty ? "model" : reason
            } else {
                kind = answer.offline ? .offline : .answered
                text = answer.text
            }
        }
        completion.replies = ReplySplitter.split(text, style: template.reply)
        completion.replyGaps = completion.replies.map { template.reply.typingDelay(forCharacters: $0.count) }
        let outcome = try await store.completeTurn(completion)
        // Fewer rows than parts means an operator took over mid-turn and the store dropped them.
        let superseded = outcome.replyIDs.count != completion.replies.count
        if kind == .answered, !superseded, template.context.summary.enabled,
            SummaryFolder.mayOverflow(window: window, replies: completion.replies, context: template.context),
            let llm = try await client(for: conversation.tenantID)
        {
            await SummaryFolder(store: store, llm: llm, logger: logger).foldIfNeeded(conversation, template: template)
        }
        return Report(
            kind: superseded ? .skipped : kind, replies: superseded ? [] : completion.replies,
            agentID: selection.agent?.id, templateID: template.id, leftDue: outcome.leftDue)
    }
}
