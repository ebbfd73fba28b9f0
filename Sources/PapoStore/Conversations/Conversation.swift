public import Foundation
public import PapoCore
import PapoPostgres

/// Who is answering a conversation.
public enum ConversationState: String, Sendable, Hashable, Codable, CaseIterable {
    /// The agent answers every inbound message.
    case bot
    /// An operator wrote from the business phone; the bot stays quiet until released.
    case paused
    /// Handed off to a human operator.
    case human
    /// Finished; the next inbound message starts a new conversation.
    case closed
}

/// One row of `ai_conversations`: the thread between a tenant's number and one customer.
public struct Conversation: Sendable, Equatable {
    public var id: UUID
    public var tenantID: UUID
    public var sessionID: UUID
    public var customerNumber: String
    public var customerName: String?
    /// The assigned agent; `nil` routes by the tenant's rules on every turn.
    public var agentID: UUID?
    public var state: ConversationState
    /// Rolling summary of turns that no longer fit the context window.
    public var summary: String
    /// `messages.seq` of the newest message folded into ``summary``.
    public var summaryUpto: Int64?
    public var memory: JSONValue
    public var expiresAt: Date?
    public var lastMessageAt: Date
    /// When the next turn is due (the debounce deadline); `nil` when nothing waits.
    public var pendingTurnAt: Date?
    public var lockedBy: String?
    public var lockedUntil: Date?
    /// Claims since the last completed turn: a turn that keeps failing shows up here.
    public var turnAttempts: Int
    public var createdAt: Date

    /// Creates a conversation value (the store reads them from rows; tests and fakes build them).
    public init(
        id: UUID = UUID(), tenantID: UUID, sessionID: UUID, customerNumber: String, customerName: String? = nil,
        agentID: UUID? = nil, state: ConversationState = .bot, summary: String = "", summaryUpto: Int64? = nil,
        memory: JSONValue = [:], expiresAt: Date? = nil, lastMessageAt: Date = Date(), pendingTurnAt: Date? = nil,
        lockedBy: String? = nil, lockedUntil: Date? = nil, turnAttempts: Int = 0, createdAt: Date = Date()
    ) {
        self.id = id
        self.tenantID = tenantID
        self.sessionID = sessionID
        self.customerNumber = customerNumber
        self.customerName = customerName
        self.agentID = agentID
        self.state = state
        self.summary = summary
        self.summaryUpto = summaryUpto
        self.memory = memory
        self.expiresAt = expiresAt
        self.lastMessageAt = lastMessageAt
        self.pendingTurnAt = pendingTurnAt
        self.lockedBy = lockedBy
        self.lockedUntil = lockedUntil
        self.turnAttempts = turnAttempts
        self.createdAt = createdAt
    }

    static let columnNames = [
        "id", "tenant_id", "session_id", "customer_number", "customer_name", "agent_id", "state", "summary",
        "summary_upto", "memory", "expires_at", "last_message_at", "pending_turn_at", "locked_by", "locked_until",
        "turn_attempts", "created_at",
    ]

    static let columns = SQLQuery(stringLiteral: columnNames.joined(separator: ", "))

    /// The columns qualified by a table alias, for statements that join or use `FROM` lists.
    static func columns(alias: String) -> SQLQuery {
        SQLQuery(stringLiteral: columnNames.map { "\(alias).\($0)" }.joined(separator: ", "))
    }

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        tenantID = try row.decode("tenant_id")
        sessionID = try row.decode("session_id")
        customerNumber = try row.decode("customer_number")
        customerName = try row.decode("customer_name")
        agentID = try row.decode("agent_id")
        let stateText: String = try row.decode("state")
        guard let state = ConversationState(rawValue: stateText) else {
            throw PostgresError(.decodingFailed, "unknown conversation state \(stateText)")
        }
        self.state = state
        summary = try row.decode("summary")
        summaryUpto = try row.decode("summary_upto")
        memory = try row.decodeJSON("memory")
        expiresAt = try row.decode("expires_at")
        lastMessageAt = try row.decode("last_message_at")
        pendingTurnAt = try row.decode("pending_turn_at")
        lockedBy = try row.decode("locked_by")
        lockedUntil = try row.decode("locked_until")
        turnAttempts = try row.decode("turn_attempts")
        createdAt = try row.decode("created_at")
    }
}

/// A message of a conversation as the context window sees it.
public struct ConversationMessage: Sendable, Equatable {
    public var id: UUID
    /// Total order within the database; replies written together still differ here.
    public var seq: Int64
    public var direction: String
    /// `customer`, `bot`, `operator` or `api`.
    public var author: String
    public var type: String
    public var content: JSONValue
    public var createdAt: Date
    public var answeredAt: Date?

    /// Whether the customer wrote it.
    public var isInbound: Bool { direction == "inbound" }

    /// The words a model should read: the text body, a caption, a tapped button's title, or a
    /// bracketed placeholder naming the type for content without text.
    public var text: String {
        let candidates = ["text", "body", "caption", "title", "value"]
        for key in candidates {
            if let value = content[key]?.stringValue, !value.isEmpty { return value }
        }
        if let reply = content["button_reply"]?["title"]?.stringValue ?? content["list_reply"]?["title"]?.stringValue {
            return reply
        }
        return "[\(type)]"
    }

    /// Creates a message value (the store reads them from rows; tests and fakes build them).
    public init(
        id: UUID = UUID(), seq: Int64, direction: String, author: String, type: String = "text", content: JSONValue,
        createdAt: Date = Date(), answeredAt: Date? = nil
    ) {
        self.id = id
        self.seq = seq
        self.direction = direction
        self.author = author
        self.type = type
        self.content = content
        self.createdAt = createdAt
        self.answeredAt = answeredAt
    }

    static let columns: SQLQuery = "id, seq, direction, author, type, content, created_at, answered_at"

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        seq = try row.decode("seq")
        direction = try row.decode("direction")
        author = try row.decode("author")
        type = try row.decode("type")
        content = try row.decodeJSON("content")
        createdAt = try row.decode("created_at")
        answeredAt = try row.decode("answered_at")
    }
}
