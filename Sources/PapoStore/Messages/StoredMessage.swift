public import Foundation
public import PapoCore
import PapoPostgres

/// A message row, either direction.
public struct StoredMessage: Sendable, Equatable {
    public var id: UUID
    public var tenantID: UUID
    public var sessionID: UUID
    public var direction: String
    public var provider: ProviderKind
    public var providerMessageID: String?
    public var customerNumber: String
    public var type: String
    /// The message in the API's request form, which the sender turns back into a send.
    public var content: JSONValue
    public var status: MessageStatus
    public var errorCode: String?
    public var errorMessage: String?
    public var attempts: Int
    public var idempotencyKey: String?
    public var requestHash: Data?
    public var nextAttemptAt: Date?
    public var queuedAt: Date?
    public var sentAt: Date?
    public var deliveredAt: Date?
    public var readAt: Date?
    public var playedAt: Date?
    public var failedAt: Date?
    public var receivedAt: Date?
    public var createdAt: Date

    static let columns: SQLQuery = """
        id, tenant_id, session_id, direction, provider, provider_message_id, customer_number, type, content,
        status, error_code, error_message, attempts, idempotency_key, request_hash, next_attempt_at,
        queued_at, sent_at, delivered_at, read_at, played_at, failed_at, received_at, created_at
        """

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        tenantID = try row.decode("tenant_id")
        sessionID = try row.decode("session_id")
        direction = try row.decode("direction")
        provider = ProviderKind(rawValue: try row.decode("provider")) ?? .sandbox
        providerMessageID = try row.decode("provider_message_id")
        customerNumber = try row.decode("customer_number")
        type = try row.decode("type")
        content = try row.decodeJSON("content")
        status = try row.messageStatus()
        errorCode = try row.decode("error_code")
        errorMessage = try row.decode("error_message")
        attempts = try row.decode("attempts")
        idempotencyKey = try row.decode("idempotency_key")
        requestHash = try row.decode("request_hash")
        nextAttemptAt = try row.decode("next_attempt_at")
        queuedAt = try row.decode("queued_at")
        sentAt = try row.decode("sent_at")
        deliveredAt = try row.decode("delivered_at")
        readAt = try row.decode("read_at")
        playedAt = try row.decode("played_at")
        failedAt = try row.decode("failed_at")
        receivedAt = try row.decode("received_at")
        createdAt = try row.decode("created_at")
    }
}

extension PostgresRow {
    /// A message's `status` column; a value this build does not know is an error, not a guess.
    func messageStatus(_ column: String = "status") throws -> MessageStatus {
        let text: String = try decode(column)
        guard let status = MessageStatus(rawValue: text) else {
            throw PostgresError(.decodingFailed, "unknown message status \(text)")
        }
        return status
    }
}
