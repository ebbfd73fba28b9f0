public import Foundation
import PapoCore
import PapoPostgres

extension ConversationStore {
    /// Which conversations an inbox lists. Empty or `nil` fields do not filter.
    public struct InboxFilter: Sendable, Equatable {
        public var states: [ConversationState]
        public var agentID: UUID?
        /// The customer's number as stored (digits, or a provider identifier such as an `@lid`).
        public var customer: String?

        public init(states: [ConversationState] = [], agentID: UUID? = nil, customer: String? = nil) {
            self.states = states
            self.agentID = agentID
            self.customer = customer
        }
    }

    /// Where a page starts: after the last item of the previous page (``InboxCursor``), or at
    /// activity before a moment.
    public enum InboxStart: Sendable, Equatable {
        case newest
        case after(InboxCursor)
        case before(Date)
    }

    /// A conversation in an inbox, with its newest message for the preview.
    public struct InboxItem: Sendable, Equatable {
        public var conversation: Conversation
        public var lastMessage: TranscriptMessage?
        /// Whether a worker holds the turn lease right now (the bot is thinking).
        public var turnRunning: Bool
        /// The keyset position of this item, for the next page.
        public var cursor: InboxCursor
    }

    /// One page of an inbox, newest activity first.
    public struct InboxPage: Sendable, Equatable {
        public var items: [InboxItem]
        /// Where the next page starts; `nil` on the last page.
        public var next: InboxCursor?
    }

    /// A tenant's conversations, newest activity first, `limit` at a time.
    ///
    /// Pages are keyset pages on `(last_message_at, id)`, not offsets, so a conversation that
    /// gets a new message while a client pages moves to the top instead of shifting every later
    /// page by one.
    public func inbox(tenantID: UUID, filter: InboxFilter, start: InboxStart, limit: Int) async throws -> InboxPage {
        let limit = max(1, limit)
        let states = filter.states.map(\.rawValue)
        var cursorMicros: Int64?
        var cursorID: UUID?
        var before: Date?
        switch start {
        case .newest: break
        case .after(let cursor):
            cursorMicros = cursor.activityMicros
            cursorID = cursor.id
        case .before(let date): before = date
        }
        let rows = try await pool.query(
            """
            SELECT \(fragment: Conversation.columns(alias: "c")),
                   (EXTRACT(EPOCH FROM c.last_message_at) * 1000000)::int8 AS activity_us,
                   (c.locked_until IS NOT NULL AND c.locked_until > now()) AS turn_running,
                   m.id AS m_id, m.seq AS m_seq, m.direction AS m_direction, m.author AS m_author, m.type AS m_type,
                   m.content AS m_content, m.status AS m_status, m.created_at AS m_created_at
            FROM ai_conversations c
            LEFT JOIN LATERAL (
                SELECT id, seq, direction, author, type, content, status, created_at FROM messages
                WHERE tenant_id = c.tenant_id AND conversation_id = c.id
                ORDER BY created_at DESC, seq DESC
                LIMIT 1
            ) m ON true
            WHERE c.tenant_id = \(tenantID)
              AND (cardinality(\(states)::text[]) = 0 OR c.state = ANY(\(states)::text[]))
              AND (\(filter.agentID)::uuid IS NULL OR c.agent_id = \(filter.agentID)::uuid)
              AND (\(filter.customer)::text IS NULL OR c.customer_number = \(filter.customer)::text)
              AND (\(before)::timestamptz IS NULL OR c.last_message_at < \(before)::timestamptz)
              AND (\(cursorMicros)::int8 IS NULL
                   OR (c.last_message_at, c.id) < (timestamptz 'epoch' + \(cursorMicros)::int8 * interval '1 microsecond',
                                                   \(cursorID)::uuid))
            ORDER BY c.last_message_at DESC, c.id DESC
            LIMIT \(limit + 1)
            """)
        var items: [InboxItem] = try rows.map { row in
            let conversation = try Conversation(row: row)
            var last: TranscriptMessage?
            if let messageID = try row.decode("m_id", as: UUID?.self) {
                let statusText: String = try row.decode("m_status")
                last = TranscriptMessage(
                    id: messageID, seq: try row.decode("m_seq"), conversationID: conversation.id,
                    customerNumber: conversation.customerNumber, direction: try row.decode("m_direction"),
                    author: try row.decode("m_author"), type: try row.decode("m_type"),
                    content: try row.decodeJSON("m_content"), status: MessageStatus(rawValue: statusText) ?? .queued,
                    createdAt: try row.decode("m_created_at"))
            }
            return InboxItem(
                conversation: conversation, lastMessage: last, turnRunning: try row.decode("turn_running"),
                cursor: InboxCursor(activityMicros: try row.decode("activity_us"), id: conversation.id))
        }
        var next: InboxCursor?
        if items.count > limit {
            items.removeLast(items.count - limit)
            next = items.last?.cursor
        }
        return InboxPage(items: items, next: next)
    }

    /// A conversation of a tenant with its newest `limit` messages, oldest first, and the tool
    /// exchanges of those turns in place; `nil` when the tenant has no such conversation.
    public func transcript(conversationID: UUID, tenantID: UUID, limit: Int) async throws -> ConversationTranscript? {
        try await pool.withTransaction { connection in
            // One snapshot for the three reads, so a turn committing in between cannot show its
            // tool calls without the reply, or the reply without the conversation's new state.
            try connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            guard
                let row = try connection.query(
                    """
                    SELECT \(fragment: Conversation.columns) FROM ai_conversations
                    WHERE tenant_id = \(tenantID) AND id = \(conversationID)
                    """
                ).first
            else { return nil }
            let conversation = try Conversation(row: row)
            let limit = max(1, limit)
            var messages = try connection.query(
                """
                SELECT \(fragment: TranscriptMessage.columns) FROM messages
                WHERE tenant_id = \(tenantID) AND conversation_id = \(conversationID)
                ORDER BY seq DESC
                LIMIT \(limit + 1)
                """
            ).map(TranscriptMessage.init(row:))
            let hasEarlier = messages.count > limit
            if hasEarlier { messages.removeLast(messages.count - limit) }
            messages.reverse()
            // Tool calls of turns older than the window stay out with their messages.
            let firstSeq: Int64? = hasEarlier ? messages.first?.seq : nil
            let calls = try connection.query(
                """
                SELECT \(fragment: ToolCallRecord.columns) FROM ai_tool_calls
                WHERE tenant_id = \(tenantID) AND conversation_id = \(conversationID)
                  AND (\(firstSeq)::int8 IS NULL OR after_seq >= \(firstSeq)::int8)
                ORDER BY after_seq, round, seq
                """
            ).map(ToolCallRecord.init(row:))
            return ConversationTranscript(
                conversation: conversation, entries: TranscriptEntry.interleave(messages: messages, toolCalls: calls),
                hasEarlier: hasEarlier)
        }
    }

    /// The chat between one session and one customer after `afterSeq`, oldest first, across
    /// conversations (a closed conversation's messages stay in the chat, as on a phone).
    public func chat(
        tenantID: UUID, sessionID: UUID, customer: String, afterSeq: Int64, limit: Int
    ) async throws -> [TranscriptMessage] {
        try await pool.query(
            """
            SELECT \(fragment: TranscriptMessage.columns) FROM messages
            WHERE tenant_id = \(tenantID) AND session_id = \(sessionID) AND customer_number = \(customer)
              AND seq > \(afterSeq)
            ORDER BY seq
            LIMIT \(max(1, limit))
            """
        ).map(TranscriptMessage.init(row:))
    }
}

/// A position in an inbox: the last activity (in microseconds, the database's precision) and
/// the id of the last conversation of a page. Clients pass its ``description`` back as an
/// opaque `cursor`.
public struct InboxCursor: Sendable, Hashable, CustomStringConvertible, LosslessStringConvertible {
    public var activityMicros: Int64
    public var id: UUID

    public init(activityMicros: Int64, id: UUID) {
        self.activityMicros = activityMicros
        self.id = id
    }

    public init?(_ description: String) {
        let parts = description.split(separator: "_", maxSplits: 1)
        guard parts.count == 2, let micros = Int64(parts[0]), let id = UUID(uuidString: String(parts[1])) else {
            return nil
        }
        self.init(activityMicros: micros, id: id)
    }

    public var description: String { "\(activityMicros)_\(id.uuidString.lowercased())" }
}
