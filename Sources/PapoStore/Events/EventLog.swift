public import Foundation
public import PapoCore
public import PapoPostgres

/// The kinds of realtime event a tenant can watch (SSE, WebSocket) and subscribe webhooks to.
public enum EventType: String, Sendable, Codable, CaseIterable {
    case messageReceived = "message.received"
    case messageStatus = "message.status"
    case sessionStatus = "session.status"
    case sessionQR = "session.qr"
    case conversationUpdated = "conversation.updated"
    case conversationHandoff = "conversation.handoff"
}

/// One row of the `events` table.
public struct StoredEvent: Sendable, Equatable {
    public var id: Int64
    public var tenantID: UUID
    public var type: String
    public var payload: JSONValue
    public var createdAt: Date

    public init(id: Int64, tenantID: UUID, type: String, payload: JSONValue, createdAt: Date) {
        self.id = id
        self.tenantID = tenantID
        self.type = type
        self.payload = payload
        self.createdAt = createdAt
    }
}

/// The realtime event log: every change a tenant can watch is inserted into `events` and announced
/// with `NOTIFY` on ``channel`` in the same transaction as the change, so listeners on any
/// instance hear of it exactly when it commits, and a reconnecting client can resume from the
/// table by id.
public enum EventLog {
    /// The `NOTIFY` channel. The payload is `{"id":…,"tenant_id":"…","type":"…"}`; listeners read
    /// the row itself from `events` (payloads can exceed NOTIFY's 8000-byte limit).
    public static let channel = "papo_events"

    /// Records an event on `connection` (normally inside the transaction that made the change)
    /// and returns its id.
    @discardableResult
    public static func publish(
        _ type: EventType, tenantID: UUID, payload: JSONValue, on connection: PostgresConnection
    ) throws -> Int64 {
        let row = try connection.query(
            """
            INSERT INTO events (tenant_id, type, payload)
            VALUES (\(tenantID), \(type.rawValue), \(PostgresJSON(payload)))
            RETURNING id
            """
        ).first!
        let id = try row.decode("id", as: Int64.self)
        let notice: JSONValue = [
            "id": .integer(Int(id)), "tenant_id": .string(tenantID.uuidString.lowercased()),
            "type": .string(type.rawValue),
        ]
        try connection.query("SELECT pg_notify(\(channel), \(notice.jsonText))")
        return id
    }

    /// Events of one tenant after `afterID`, oldest first, optionally only the given types.
    public static func events(
        tenantID: UUID, after afterID: Int64, types: [String] = [], limit: Int = 500, on connection: PostgresConnection
    ) throws -> [StoredEvent] {
        try connection.query(
            """
            SELECT id, tenant_id, type, payload, created_at FROM events
            WHERE tenant_id = \(tenantID) AND id > \(afterID)
              AND (cardinality(\(types)::text[]) = 0 OR type = ANY(\(types)::text[]))
            ORDER BY id LIMIT \(limit)
            """
        ).map { row in
            StoredEvent(
                id: try row.decode("id", as: Int64.self), tenantID: try row.decode("tenant_id", as: UUID.self),
                type: try row.decode("type", as: String.self),
                payload: try row.decodeJSON("payload", as: JSONValue.self),
                createdAt: try row.decode("created_at", as: Date.self))
        }
    }

    /// Deletes events older than `retention`; returns how many went.
    @discardableResult
    public static func purge(olderThan retention: Duration, on connection: PostgresConnection) throws -> Int {
        let seconds = Double(retention.components.seconds)
        return try connection.query(
            "DELETE FROM events WHERE created_at < now() - make_interval(secs => \(seconds)) RETURNING id"
        ).count
    }
}
