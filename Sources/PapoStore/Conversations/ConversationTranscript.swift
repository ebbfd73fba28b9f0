public import Foundation
public import PapoCore
import PapoPostgres

/// A message as an operator reads it in a transcript or a chat: either direction, with its
/// delivery status and timestamps.
public struct TranscriptMessage: Sendable, Equatable {
    public var id: UUID
    /// Total order of messages in the database; transcripts and chats are read in it.
    public var seq: Int64
    public var conversationID: UUID?
    public var customerNumber: String
    /// `inbound` or `outbound`.
    public var direction: String
    /// `customer`, `bot`, `operator` or `api`.
    public var author: String
    public var type: String
    public var content: JSONValue
    public var status: MessageStatus
    public var errorCode: String?
    public var errorMessage: String?
    public var createdAt: Date
    public var sentAt: Date?
    public var deliveredAt: Date?
    public var readAt: Date?
    public var failedAt: Date?
    /// Inbound only: when a turn (or an operator) answered it.
    public var answeredAt: Date?

    /// What a chat bubble shows: the text, a caption, a tapped button's title, or the type in
    /// brackets (the same reading the context window uses).
    public var text: String {
        ConversationMessage(seq: seq, direction: direction, author: author, type: type, content: content).text
    }

    public init(
        id: UUID = UUID(), seq: Int64, conversationID: UUID? = nil, customerNumber: String = "",
        direction: String, author: String, type: String = "text", content: JSONValue,
        status: MessageStatus = .received, errorCode: String? = nil, errorMessage: String? = nil,
        createdAt: Date = Date(), sentAt: Date? = nil, deliveredAt: Date? = nil, readAt: Date? = nil,
        failedAt: Date? = nil, answeredAt: Date? = nil
    ) {
        self.id = id
        self.seq = seq
        self.conversationID = conversationID
        self.customerNumber = customerNumber
        self.direction = direction
        self.author = author
        self.type = type
        self.content = content
        self.status = status
        self.errorCode = errorCode
        self.errorMessage = errorMessage
        self.createdAt = createdAt
        self.sentAt = sentAt
        self.deliveredAt = deliveredAt
        self.readAt = readAt
        self.failedAt = failedAt
        self.answeredAt = answeredAt
    }

    static let columns: SQLQuery = """
        id, seq, conversation_id, customer_number, direction, author, type, content, status, error_code,
        error_message, created_at, sent_at, delivered_at, read_at, failed_at, answered_at
        """

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        seq = try row.decode("seq")
        conversationID = try row.decode("conversation_id")
        customerNumber = try row.decode("customer_number")
        direction = try row.decode("direction")
        author = try row.decode("author")
        type = try row.decode("type")
        content = try row.decodeJSON("content")
        status = try row.messageStatus()
        errorCode = try row.decode("error_code")
        errorMessage = try row.decode("error_message")
        createdAt = try row.decode("created_at")
        sentAt = try row.decode("sent_at")
        deliveredAt = try row.decode("delivered_at")
        readAt = try row.decode("read_at")
        failedAt = try row.decode("failed_at")
        answeredAt = try row.decode("answered_at")
    }
}

/// A line of a transcript.
public enum TranscriptEntry: Sendable, Equatable {
    case message(TranscriptMessage)
    case toolCall(ToolCallRecord)

    /// Places tool exchanges among the messages: right after the customer message they answer
    /// (`after_seq`), before the reply they led to.
    ///
    /// A call whose anchor is not among `messages` (a stored row pointing at a message that
    /// moved to another conversation) still lands where its anchor would be, before the first
    /// later message, so nothing is dropped and the order stays that of the database.
    public static func interleave(
        messages: [TranscriptMessage], toolCalls: [ToolCallRecord]
    ) -> [TranscriptEntry] {
        let messages = messages.sorted { $0.seq < $1.seq }
        // Stored calls have every key; the defaults only order unsaved ones first.
        let calls = toolCalls.sorted {
            ($0.afterSeq ?? 0, $0.round, $0.seq ?? 0) < ($1.afterSeq ?? 0, $1.round, $1.seq ?? 0)
        }
        var entries: [TranscriptEntry] = []
        entries.reserveCapacity(messages.count + calls.count)
        var next = calls.startIndex
        for message in messages {
            while next < calls.endIndex, calls[next].afterSeq ?? 0 < message.seq {
                entries.append(.toolCall(calls[next]))
                next += 1
            }
            entries.append(.message(message))
            while next < calls.endIndex, calls[next].afterSeq ?? 0 == message.seq {
                entries.append(.toolCall(calls[next]))
                next += 1
            }
        }
        entries.append(contentsOf: calls[next...].map(TranscriptEntry.toolCall))
        return entries
    }
}

/// A conversation with its history, as the conversations API shows it.
public struct ConversationTranscript: Sendable, Equatable {
    public var conversation: Conversation
    /// Messages and tool exchanges, oldest first.
    public var entries: [TranscriptEntry]
    /// Whether older messages exist than the first one here.
    public var hasEarlier: Bool

    public init(conversation: Conversation, entries: [TranscriptEntry], hasEarlier: Bool) {
        self.conversation = conversation
        self.entries = entries
        self.hasEarlier = hasEarlier
    }
}
