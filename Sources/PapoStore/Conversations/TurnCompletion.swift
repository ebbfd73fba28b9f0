public import Foundation

/// Everything a finished turn writes, applied in one transaction by
/// ``ConversationStore/completeTurn(_:)``.
public struct TurnCompletion: Sendable, Equatable {
    /// The conversation and the lease holder; a worker that lost its lease writes nothing.
    public var tenantID: UUID
    public var conversationID: UUID
    public var worker: String
    /// Inbound messages up to this `seq` are marked answered; `nil` marks none.
    public var answeredThroughSeq: Int64?
    /// Text replies, in order, queued as outbound messages for the sender.
    public var replies: [String]
    /// How long after the previous part each part after the first waits (the template's
    /// typing delay), so a split answer arrives at a reading pace; missing entries mean none.
    public var replyGaps: [Duration] = []
    /// A new state (`human` for a handoff, `closed` for a finish); `nil` keeps the state.
    public var newState: ConversationState?
    /// Assigns an agent to the conversation (chosen by trigger rules); `nil` leaves it.
    public var assignAgentID: UUID?
    /// The agent that produced the turn, recorded on usage rows.
    public var agentID: UUID?
    /// How long the conversation may stay idle before the next message starts a fresh one.
    public var idleExpiry: Duration?
    /// One row per model call.
    public var usage: [UsageRecord]
    /// A reason recorded with a handoff event, for the operator taking over.
    public var handoffReason: String?
    /// The tool calls of the turn, kept for later context windows and the transcript.
    public var toolCalls: [ToolCallRecord]

    public init(
        tenantID: UUID, conversationID: UUID, worker: String, answeredThroughSeq: Int64?, replies: [String],
        newState: ConversationState? = nil, assignAgentID: UUID? = nil, agentID: UUID? = nil,
        idleExpiry: Duration? = nil, usage: [UsageRecord] = [], handoffReason: String? = nil,
        toolCalls: [ToolCallRecord] = []
    ) {
        self.toolCalls = toolCalls
        self.tenantID = tenantID
        self.conversationID = conversationID
        self.worker = worker
        self.answeredThroughSeq = answeredThroughSeq
        self.replies = replies
        self.newState = newState
        self.assignAgentID = assignAgentID
        self.agentID = agentID
        self.idleExpiry = idleExpiry
        self.usage = usage
        self.handoffReason = handoffReason
    }
}

/// One model call, as `ai_usage` records it.
public struct UsageRecord: Sendable, Equatable {
    public var model: String
    public var promptTokens: Int
    public var completionTokens: Int
    public var totalTokens: Int
    public var latencyMilliseconds: Int
    public var cost: Decimal
    /// `nil` for a successful call; the error text for a failed one.
    public var error: String?

    public init(
        model: String, promptTokens: Int = 0, completionTokens: Int = 0, totalTokens: Int? = nil,
        latencyMilliseconds: Int = 0, cost: Decimal = 0, error: String? = nil
    ) {
        self.model = model
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.totalTokens = totalTokens ?? promptTokens + completionTokens
        self.latencyMilliseconds = latencyMilliseconds
        self.cost = cost
        self.error = error
    }
}

/// What ``ConversationStore/completeTurn(_:)`` did.
public struct TurnOutcome: Sendable, Equatable {
    /// The queued reply messages, in order.
    public var replyIDs: [UUID]
    /// Whether messages that arrived during the turn left the conversation due again.
    public var leftDue: Bool
}
