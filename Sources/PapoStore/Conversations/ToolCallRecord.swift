public import Foundation
public import PapoPostgres

/// One tool call a model made during a turn and what the tool answered, as `ai_tool_calls`
/// keeps it: replayed in later context windows and shown in transcripts.
public struct ToolCallRecord: Sendable, Equatable {
    /// The row's id, order among the conversation's calls and insert time; `nil` until stored.
    public var id: UUID?
    public var seq: Int64?
    public var createdAt: Date?
    /// `messages.seq` of the newest customer message of the turn; `nil` until stored.
    public var afterSeq: Int64?
    /// The model round within the turn, from 1; calls of one round were one assistant message.
    public var round: Int
    /// What the model wrote beside the calls of its round.
    public var assistantText: String?
    public var callID: String
    public var name: String
    /// As the model wrote them.
    public var arguments: String
    public var result: String
    public var isError: Bool

    public init(
        id: UUID? = nil, seq: Int64? = nil, afterSeq: Int64? = nil, round: Int, assistantText: String? = nil,
        callID: String, name: String, arguments: String, result: String, isError: Bool = false, createdAt: Date? = nil
    ) {
        self.id = id
        self.seq = seq
        self.createdAt = createdAt
        self.afterSeq = afterSeq
        self.round = round
        self.assistantText = assistantText
        self.callID = callID
        self.name = name
        self.arguments = arguments
        self.result = result
        self.isError = isError
    }

    static let columns: SQLQuery =
        "id, seq, after_seq, round, assistant_text, call_id, name, arguments, result, is_error, created_at"

    init(row: PostgresRow) throws {
        self.init(
            id: try row.decode("id", as: UUID.self), seq: try row.decode("seq", as: Int64.self),
            afterSeq: try row.decode("after_seq", as: Int64.self), round: try row.decode("round", as: Int.self),
            assistantText: try row.decode("assistant_text", as: String?.self),
            callID: try row.decode("call_id", as: String.self), name: try row.decode("name", as: String.self),
            arguments: try row.decode("arguments", as: String.self), result: try row.decode("result", as: String.self),
            isError: try row.decode("is_error", as: Bool.self), createdAt: try row.decode("created_at", as: Date.self))
    }

    /// The statements that store the records of one turn, anchored after `afterSeq` (sent in
    /// the pipeline that completes the turn).
    static func insertQueries(
        _ records: [ToolCallRecord], tenantID: UUID, conversationID: UUID, afterSeq: Int64
    ) -> [SQLQuery] {
        records.map { record in
            """
            INSERT INTO ai_tool_calls (tenant_id, conversation_id, after_seq, round, assistant_text, call_id, name,
                                       arguments, result, is_error)
            VALUES (\(tenantID), \(conversationID), \(afterSeq), \(record.round), \(record.assistantText),
                    \(record.callID), \(record.name), \(record.arguments), \(record.result), \(record.isError))
            """
        }
    }
}

extension ConversationStore {
    /// The stored tool calls of a conversation anchored after `afterSeq` or later, in order.
    public func toolCalls(_ conversation: Conversation, fromSeq afterSeq: Int64) async throws -> [ToolCallRecord] {
        try await pool.query(Self.toolCallsQuery(conversation, fromSeq: afterSeq)).map(ToolCallRecord.init(row:))
    }

    static func toolCallsQuery(_ conversation: Conversation, fromSeq afterSeq: Int64) -> SQLQuery {
        """
        SELECT \(fragment: ToolCallRecord.columns) FROM ai_tool_calls
        WHERE tenant_id = \(conversation.tenantID) AND conversation_id = \(conversation.id)
          AND after_seq >= \(afterSeq)
        ORDER BY after_seq, seq
        """
    }
}
