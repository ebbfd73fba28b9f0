public import Foundation
import PapoCore
import PapoPostgres

/// A turn that no longer holds its lease tried to write; nothing was written.
public struct TurnLeaseLostError: Error, Sendable, CustomStringConvertible {
    public var conversationID: UUID
    public var worker: String

    public init(conversationID: UUID, worker: String) {
        self.conversationID = conversationID
        self.worker = worker
    }

    public var description: String {
        "turn lease on conversation \(conversationID) is no longer held by \(worker)"
    }
}

extension ConversationStore {
    /// The newest `maxMessages` messages of a conversation, oldest first, in reading order.
    ///
    /// Reading order places each inbound message at the moment it was answered, just before
    /// the replies of that turn (which share the transaction's timestamp), and unanswered ones
    /// last. Arrival order would put a message that came in during a turn before that turn's
    /// reply, and the model would take it as already answered.
    /// Messages already folded into the rolling summary are left out.
    ///
    /// Tool calls are not messages; ``toolCalls(_:fromSeq:)`` reads them, and the context
    /// builder places each round after the customer message it answered.
    public func loadWindow(_ conversation: Conversation, maxMessages: Int) async throws -> [ConversationMessage] {
        try await pool.query(Self.windowQuery(conversation, maxMessages: maxMessages))
            .map(ConversationMessage.init(row:)).reversed()
    }

    static func windowQuery(_ conversation: Conversation, maxMessages: Int) -> SQLQuery {
        """
        SELECT \(fragment: ConversationMessage.columns) FROM messages
        WHERE tenant_id = \(conversation.tenantID) AND conversation_id = \(conversation.id)
          AND NOT (direction = 'outbound' AND status = 'failed')
          AND seq > \(conversation.summaryUpto ?? 0)
        ORDER BY CASE WHEN direction = 'inbound' THEN COALESCE(answered_at, 'infinity') ELSE created_at END DESC,
                 direction = 'outbound' DESC, seq DESC
        LIMIT \(max(0, maxMessages))
        """
    }

    /// The inbound messages no turn has answered yet, oldest first: what this turn answers.
    public func unansweredMessages(_ conversation: Conversation) async throws -> [ConversationMessage] {
        try await pool.query(Self.unansweredQuery(conversation)).map(ConversationMessage.init(row:))
    }

    static func unansweredQuery(_ conversation: Conversation) -> SQLQuery {
        """
        SELECT \(fragment: ConversationMessage.columns) FROM messages
        WHERE tenant_id = \(conversation.tenantID) AND conversation_id = \(conversation.id)
          AND direction = 'inbound' AND answered_at IS NULL
        ORDER BY seq
        """
    }

    /// What a turn starts from, read in one round trip.
    public struct TurnInputs: Sendable {
        /// The tenant's active agents, for routing.
        public var agents: [AgentRecord]
        /// The messages the turn answers, oldest first.
        public var unanswered: [ConversationMessage]
        /// The newest `windowPrefetch` unfolded messages (as ``loadWindow(_:maxMessages:)``
        /// returns them), read before the agent, and so its window size, is known.
        public var window: [ConversationMessage]
        /// The unsummarised tool calls (as ``toolCalls(_:fromSeq:)`` returns them).
        public var toolCalls: [ToolCallRecord]
        /// The window size read: a template whose window is larger must read its own.
        public var windowPrefetch: Int
    }

    /// The agents, the unanswered messages, the window and its tool calls in one pipeline.
    public func turnInputs(_ conversation: Conversation, windowPrefetch: Int) async throws -> TurnInputs {
        let results = try await pool.withConnection { connection in
            try connection.pipeline([
                Self.activeAgentsQuery(tenantID: conversation.tenantID), Self.unansweredQuery(conversation),
                Self.windowQuery(conversation, maxMessages: windowPrefetch),
                Self.toolCallsQuery(conversation, fromSeq: (conversation.summaryUpto ?? 0) + 1),
            ])
        }
        return TurnInputs(
            agents: try results[0].map(AgentRecord.init(row:)),
            unanswered: try results[1].map(ConversationMessage.init(row:)),
            window: try results[2].map(ConversationMessage.init(row:)).reversed(),
            toolCalls: try results[3].map(ToolCallRecord.init(row:)), windowPrefetch: windowPrefetch)
    }

    /// Whether the bot has ever written in this conversation (the offline greeting is for
    /// first contact only).
    public func hasBotReplies(_ conversation: Conversation) async throws -> Bool {
        try await pool.query(
            """
            SELECT 1 FROM messages
            WHERE tenant_id = \(conversation.tenantID) AND conversation_id = \(conversation.id) AND author = 'bot'
            LIMIT 1
            """
        ).first != nil
    }

    /// Writes a finished turn in one transaction: the replies as queued outbound messages
    /// (author `bot`, due now, in the messages API's text form so the outbox sender delivers
    /// them), the consumed inbound messages marked answered, usage rows, the state change and
    /// the lease released. Messages that arrived during the turn are still unanswered, so the
    /// conversation stays due for the next turn; otherwise `pending_turn_at` is cleared.
    ///
    /// When the conversation left `bot` during the turn (an operator paused it or took over),
    /// the replies and state change are dropped; the lease is still released.
    ///
    /// - Throws: ``TurnLeaseLostError`` when `worker` no longer holds the lease; nothing is
    ///   written then, so a turn retried elsewhere never produces a second set of replies.
    @discardableResult
    public func completeTurn(_ completion: TurnCompletion) async throws -> TurnOutcome {
        let idleSeconds = completion.idleExpiry.map(Self.seconds)
        return try await pool.withTransaction { connection in
            let held = try connection.query(
                """
                SELECT state FROM ai_conversations
                WHERE tenant_id = \(completion.tenantID) AND id = \(completion.conversationID)
                  AND locked_by = \(completion.worker)
                FOR UPDATE
                """
            ).first
            guard let held else {
                throw TurnLeaseLostError(conversationID: completion.conversationID, worker: completion.worker)
            }
            // An operator who paused the bot or took over while the model was thinking wins:
            // the turn's replies and state change are dropped rather than talk over a human.
            let superseded = try held.decode("state", as: String.self) != ConversationState.bot.rawValue
            var completion = completion
            if superseded {
                completion.replies = []
                completion.newState = nil
            }
            // Everything else goes in one pipeline: a round trip instead of one per statement.
            var statements: [SQLQuery] = []
            var offset = 0.0
            for (index, text) in completion.replies.enumerated() {
                let content: JSONValue = ["endpoint": "text", "text": .string(text)]
                // Parts share now(); a millisecond apart at least keeps the sender's due order
                // equal to the reading order, and the typing gap paces them.
                if index > 0 {
                    let gap = index < completion.replyGaps.count ? completion.replyGaps[index] : .zero
                    offset += max(0.001, Double(gap.components.seconds) + Double(gap.components.attoseconds) / 1e18)
                }
                statements.append(
                    """
                    INSERT INTO messages (tenant_id, session_id, conversation_id, direction, provider, customer_number,
                                          type, content, status, author, next_attempt_at, queued_at)
                    SELECT c.tenant_id, c.session_id, c.id, 'outbound', s.provider, c.customer_number, 'text',
                           \(PostgresJSON(content)), 'queued', 'bot',
                           now() + make_interval(secs => \(offset)), now()
                    FROM ai_conversations c
                    JOIN whatsapp_sessions s ON s.tenant_id = c.tenant_id AND s.id = c.session_id
                    WHERE c.tenant_id = \(completion.tenantID) AND c.id = \(completion.conversationID)
                    RETURNING id
                    """)
            }
            if let upto = completion.answeredThroughSeq {
                statements += ToolCallRecord.insertQueries(
                    completion.toolCalls, tenantID: completion.tenantID, conversationID: completion.conversationID,
                    afterSeq: upto)
                statements.append(
                    """
                    UPDATE messages SET answered_at = now()
                    WHERE tenant_id = \(completion.tenantID) AND conversation_id = \(completion.conversationID)
                      AND direction = 'inbound' AND answered_at IS NULL AND seq <= \(upto)
                    """)
            }
            // Messages that arrived during the turn (still unanswered after the update above)
            // leave the conversation due, unless it leaves the bot; workers are woken for them.
            let leavesBot = completion.newState.map { $0 != .bot } ?? false
            let conversationStatement = statements.count
            statements.append(
                """
                WITH updated AS (
                  UPDATE ai_conversations c SET locked_by = NULL, locked_until = NULL, turn_attempts = 0,
                         last_message_at = CASE WHEN \(!completion.replies.isEmpty)::boolean THEN now()
                                                ELSE c.last_message_at END,
                         state = COALESCE(\(completion.newState?.rawValue)::text, c.state),
                         agent_id = COALESCE(\(completion.assignAgentID)::uuid, c.agent_id),
                         expires_at = CASE WHEN \(idleSeconds)::float8 IS NULL THEN c.expires_at
                                           ELSE now() + make_interval(secs => \(idleSeconds)::float8) END,
                         pending_turn_at = CASE
                           WHEN NOT \(leavesBot)::boolean AND EXISTS (
                             SELECT 1 FROM messages m
                             WHERE m.tenant_id = c.tenant_id AND m.conversation_id = c.id
                               AND m.direction = 'inbound' AND m.answered_at IS NULL)
                           THEN COALESCE(c.pending_turn_at, now()) ELSE NULL END
                  WHERE c.tenant_id = \(completion.tenantID) AND c.id = \(completion.conversationID)
                  RETURNING c.id, c.pending_turn_at IS NOT NULL AS left_due
                )
                SELECT left_due, CASE WHEN left_due THEN pg_notify(\(Self.turnsChannel), id::text) END AS woken
                FROM updated
                """)
            // The turn's agent, else the conversation's (as just updated).
            let agent: SQLQuery = """
                COALESCE(\(completion.agentID)::uuid,
                         (SELECT agent_id FROM ai_conversations
                          WHERE tenant_id = \(completion.tenantID) AND id = \(completion.conversationID)))
                """
            statements += Self.usageQueries(
                completion.usage, tenantID: completion.tenantID, conversationID: completion.conversationID,
                agent: agent)
            if completion.newState == .human {
                let payload: JSONValue = [
                    "conversation_id": .string(completion.conversationID.uuidString.lowercased()),
                    "reason": completion.handoffReason.map(JSONValue.string) ?? .null,
                ]
                statements.append(
                    """
                    SELECT papo_publish_event(\(completion.tenantID), \(EventType.conversationHandoff.rawValue)::text,
                                              \(PostgresJSON(payload)))
                    """)
            }
            if !completion.replies.isEmpty {
                statements.append("SELECT pg_notify(\(Self.outboxChannel), '')")
            }
            let results = try connection.pipeline(statements)
            let replyIDs: [UUID] = try results[0..<completion.replies.count].map { try $0.first!.decode("id") }
            let leftDue = try results[conversationStatement].first?.decode("left_due", as: Bool.self) ?? false
            return TurnOutcome(replyIDs: replyIDs, leftDue: leftDue)
        }
    }
}

extension ConversationStore {
    /// One `ai_usage` row per model call.
    static func recordUsage(
        _ usage: [UsageRecord], tenantID: UUID, conversationID: UUID, agentID: UUID?, on connection: PostgresConnection
    ) throws {
        for query in usageQueries(
            usage, tenantID: tenantID, conversationID: conversationID, agent: "\(agentID)::uuid")
        {
            try connection.query(query)
        }
    }

    /// The statements that record `usage`; `agent` is the SQL for the agent id.
    static func usageQueries(
        _ usage: [UsageRecord], tenantID: UUID, conversationID: UUID, agent: SQLQuery
    ) -> [SQLQuery] {
        usage.map { usage in
            """
            INSERT INTO ai_usage (tenant_id, conversation_id, agent_id, model, prompt_tokens, completion_tokens,
                                  total_tokens, latency_ms, cost, status, error)
            VALUES (\(tenantID), \(conversationID), \(fragment: agent), \(usage.model), \(usage.promptTokens),
                    \(usage.completionTokens), \(usage.totalTokens), \(usage.latencyMilliseconds), \(usage.cost),
                    \(usage.error == nil ? "ok" : "error"), \(usage.error))
            """
        }
    }
}
