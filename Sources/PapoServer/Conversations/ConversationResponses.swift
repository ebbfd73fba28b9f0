import Foundation
import Hummingbird
import PapoCore
import PapoStore

/// A conversation as the API shows it. Absent values are `null` rather than missing, so an
/// inbox client can tell "no agent" from an older server.
struct ConversationResponse: ResponseEncodable {
    var conversation: Conversation
    var turnRunning: Bool?
    var lastMessage: TranscriptMessage?
    /// Only the detail view carries the summary; the list stays small.
    var includesSummary = false

    enum CodingKeys: String, CodingKey {
        case id, state, summary
        case sessionId = "session_id"
        case customerNumber = "customer_number"
        case customerName = "customer_name"
        case agentId = "agent_id"
        case lastMessageAt = "last_message_at"
        case pendingTurnAt = "pending_turn_at"
        case turnRunning = "turn_running"
        case expiresAt = "expires_at"
        case createdAt = "created_at"
        case lastMessage = "last_message"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(conversation.id.uuidString.lowercased(), forKey: .id)
        try container.encode(conversation.sessionID.uuidString.lowercased(), forKey: .sessionId)
        try container.encode(conversation.customerNumber, forKey: .customerNumber)
        try container.encode(conversation.customerName, forKey: .customerName)
        try container.encode(conversation.agentID?.uuidString.lowercased(), forKey: .agentId)
        try container.encode(conversation.state.rawValue, forKey: .state)
        try container.encode(conversation.lastMessageAt, forKey: .lastMessageAt)
        try container.encode(conversation.pendingTurnAt, forKey: .pendingTurnAt)
        try container.encode(conversation.expiresAt, forKey: .expiresAt)
        try container.encode(conversation.createdAt, forKey: .createdAt)
        if let turnRunning { try container.encode(turnRunning, forKey: .turnRunning) }
        if includesSummary { try container.encode(conversation.summary, forKey: .summary) }
        if let lastMessage {
            try container.encode(MessagePreview(lastMessage), forKey: .lastMessage)
        } else if turnRunning != nil {
            try container.encodeNil(forKey: .lastMessage)
        }
    }
}

/// The newest message of a conversation, shortened for an inbox row.
struct MessagePreview: Encodable {
    static let maxLength = 160

    var id: String
    var seq: Int64
    var direction: String
    var author: String
    var type: String
    var text: String
    var status: String
    var createdAt: Date

    init(_ message: TranscriptMessage) {
        id = message.id.uuidString.lowercased()
        seq = message.seq
        direction = message.direction
        author = message.author
        type = message.type
        let text = message.text
        self.text = text.count > Self.maxLength ? String(text.prefix(Self.maxLength - 1)) + "…" : text
        status = message.status.rawValue
        createdAt = message.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, seq, direction, author, type, text, status
        case createdAt = "created_at"
    }
}

/// A message in a transcript or a chat, with its delivery status and timestamps.
struct TranscriptMessageResponse: Encodable {
    struct Failure: Encodable {
        var code: String
        var message: String
    }

    var message: TranscriptMessage

    enum CodingKeys: String, CodingKey {
        case kind, id, seq, direction, author, type, text, content, status, error
        case conversationId = "conversation_id"
        case createdAt = "created_at"
        case sentAt = "sent_at"
        case deliveredAt = "delivered_at"
        case readAt = "read_at"
        case failedAt = "failed_at"
        case answeredAt = "answered_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("message", forKey: .kind)
        try container.encode(message.id.uuidString.lowercased(), forKey: .id)
        try container.encode(message.seq, forKey: .seq)
        try container.encode(message.conversationID?.uuidString.lowercased(), forKey: .conversationId)
        try container.encode(message.direction, forKey: .direction)
        try container.encode(message.author, forKey: .author)
        try container.encode(message.type, forKey: .type)
        try container.encode(message.text, forKey: .text)
        // Outbound rows keep the send request's endpoint for the sender; clients do not need it.
        var content = message.content
        if case .object(var object) = content {
            object["endpoint"] = nil
            content = .object(object)
        }
        try container.encode(content, forKey: .content)
        try container.encode(message.status.rawValue, forKey: .status)
        if let code = message.errorCode {
            try container.encode(Failure(code: code, message: message.errorMessage ?? ""), forKey: .error)
        }
        try container.encode(message.createdAt, forKey: .createdAt)
        try container.encodeIfPresent(message.sentAt, forKey: .sentAt)
        try container.encodeIfPresent(message.deliveredAt, forKey: .deliveredAt)
        try container.encodeIfPresent(message.readAt, forKey: .readAt)
        try container.encodeIfPresent(message.failedAt, forKey: .failedAt)
        try container.encodeIfPresent(message.answeredAt, forKey: .answeredAt)
    }
}

/// A tool exchange in a transcript.
struct ToolCallResponse: Encodable {
    var call: ToolCallRecord

    enum CodingKeys: String, CodingKey {
        case kind, id, round, name, arguments, result
        case afterSeq = "after_seq"
        case callId = "call_id"
        case isError = "is_error"
        case assistantText = "assistant_text"
        case createdAt = "created_at"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode("tool_call", forKey: .kind)
        try container.encodeIfPresent(call.id?.uuidString.lowercased(), forKey: .id)
        try container.encodeIfPresent(call.afterSeq, forKey: .afterSeq)
        try container.encode(call.round, forKey: .round)
        try container.encode(call.callID, forKey: .callId)
        try container.encode(call.name, forKey: .name)
        try container.encode(call.arguments, forKey: .arguments)
        try container.encode(call.result, forKey: .result)
        try container.encode(call.isError, forKey: .isError)
        try container.encode(call.assistantText, forKey: .assistantText)
        try container.encodeIfPresent(call.createdAt, forKey: .createdAt)
    }
}

/// `GET /conversations/{id}`: the conversation, its summary and its transcript.
struct TranscriptResponse: ResponseEncodable {
    var transcript: ConversationTranscript

    enum CodingKeys: String, CodingKey {
        case conversation, transcript
        case hasEarlier = "has_earlier"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(
            ConversationResponse(conversation: transcript.conversation, includesSummary: true), forKey: .conversation)
        var entries = container.nestedUnkeyedContainer(forKey: .transcript)
        for entry in transcript.entries {
            switch entry {
            case .message(let message): try entries.encode(TranscriptMessageResponse(message: message))
            case .toolCall(let call): try entries.encode(ToolCallResponse(call: call))
            }
        }
        try container.encode(transcript.hasEarlier, forKey: .hasEarlier)
    }
}

/// `GET /conversations`: one page of the inbox.
struct InboxResponse: ResponseEncodable {
    var page: ConversationStore.InboxPage

    enum CodingKeys: String, CodingKey {
        case conversations
        case nextCursor = "next_cursor"
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(
            page.items.map {
                ConversationResponse(
                    conversation: $0.conversation, turnRunning: $0.turnRunning, lastMessage: $0.lastMessage)
            }, forKey: .conversations)
        try container.encode(page.next?.description, forKey: .nextCursor)
    }
}

/// An operator's reply: the queued message and the conversation after it.
struct OperatorReplyResponse: ResponseEncodable {
    var message: MessageStatusResponse
    var conversation: ConversationResponse
}
