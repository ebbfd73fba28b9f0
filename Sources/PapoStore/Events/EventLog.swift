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
    /// The tenant's stream position: resume after it (`Last-Event-ID`).
    public var id: Int64
    public var tenantID: UUID
    public var type: String
    public var payload: JSONValue
    public var createdAt: Date
    /// The stable event id webhook receivers dedupe on.
    public var uid: UUID?

    public init(id: Int64, tenantID: UUID, type: String, payload: JSONValue, createdAt: Date, uid: UUID? = nil) {
        self.id = id
        self.tenantID = tenantID
        self.type = type
        self.payload = payload
        self.createdAt = createdAt
        self.uid = uid
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

    /// The `NOTIFY` channel that wakes the webhook delivery worker when deliveries were queued.
    public static let webhooksChannel = "papo_webhooks"

    /// Records an event on `connection` inside the transaction that made the change and queues a
    /// webhook delivery for each of the tenant's active subscriptions that wants it; returns the
    /// event's stable id (`uid`, what webhook receivers see).
    ///
    /// The stream id (``StoredEvent/id``) is not known yet: a deferred trigger (migration 0006)
    /// numbers the row inside COMMIT, under a per-tenant lock held only to the end of the
    /// commit, and sends the ``channel`` notification then. So one tenant's ids become visible
    /// in increasing order, and a reader that has seen id N has seen every smaller id it will
    /// ever see, without writers queueing on a lock across their round trips.
    @discardableResult
    public static func publish(
        _ type: EventType, tenantID: UUID, payload: JSONValue, on connection: PostgresConnection
    ) throws -> UUID {
        // One round trip: `papo_publish_event` (migration 0007) inserts the event, queues its
        // webhook deliveries and wakes the delivery worker when it queued any.
        let row = try connection.query(
            "SELECT papo_publish_event(\(tenantID), \(type.rawValue)::text, \(PostgresJSON(payload))) AS uid"
        ).first!
        return try row.decode("uid", as: UUID.self)
    }

    /// Events of one tenant after `afterID`, oldest first, optionally only the given types.
    public static func events(
        tenantID: UUID, after afterID: Int64, types: [String] = [], limit: Int = 500, on connection: PostgresConnection
    ) throws -> [StoredEvent] {
        try connection.query(
            """
            SELECT id, tenant_id, type, payload, created_at, uid FROM events
            WHERE tenant_id = \(tenantID) AND id > \(afterID)
              AND (cardinality(\(types)::text[]) = 0 OR type = ANY(\(types)::text[]))
            ORDER BY id LIMIT \(limit)
            """
        ).map { row in
            StoredEvent(
                id: try row.decode("id", as: Int64.self), tenantID: try row.decode("tenant_id", as: UUID.self),
                type: try row.decode("type", as: String.self),
                payload: try row.decodeJSON("payload", as: JSONValue.self),
                createdAt: try row.decode("created_at", as: Date.self), uid: try row.decode("uid", as: UUID.self))
        }
    }

    /// The newest event id of a tenant (0 when it has none): where a live-only stream starts.
    public static func latestID(tenantID: UUID, on connection: PostgresConnection) throws -> Int64 {
        try connection.query("SELECT coalesce(max(id), 0)::int8 AS id FROM events WHERE tenant_id = \(tenantID)")
            .first!.decode("id", as: Int64.self)
    }

    /// Deletes events older than `retention`; returns how many went.
    @discardableResult
    public static func purge(olderThan retention: Duration, on connection: PostgresConnection) throws -> Int {
        let seconds = Double(retention.components.seconds)
        // The deletion and each tenant's new purge horizon in one statement.
        return try connection.query(
            """
            WITH gone AS (
              DELETE FROM events WHERE created_at < now() - make_interval(secs => \(seconds))
              RETURNING tenant_id, id
            ), horizon AS (
              INSERT INTO event_purges (tenant_id, purged_through)
              SELECT tenant_id, max(id) FROM gone GROUP BY tenant_id
              ON CONFLICT (tenant_id) DO UPDATE
                SET purged_through = greatest(event_purges.purged_through, EXCLUDED.purged_through), purged_at = now()
              RETURNING 1
            )
            SELECT count(*)::int8 AS n FROM gone
            """
        ).first!.decode("n", as: Int.self)
    }

    /// The newest purged event id of a tenant (`nil` when none was purged): a client resuming
    /// from an older id may have missed events.
    public static func purgedThrough(tenantID: UUID, on connection: PostgresConnection) throws -> Int64? {
        try connection.query("SELECT purged_through FROM event_purges WHERE tenant_id = \(tenantID)").first?
            .decode("purged_through", as: Int64.self)
    }
}
