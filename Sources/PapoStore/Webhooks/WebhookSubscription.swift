public import Foundation
public import PapoCore
import PapoPostgres

/// A tenant's outgoing webhook: where to POST which events. The signing secret stays sealed in
/// the database and is never part of this value.
public struct WebhookSubscription: Sendable, Equatable {
    public var id: UUID
    public var tenantID: UUID
    public var url: String
    /// The event types sent; empty means every type.
    public var eventTypes: [String]
    public var active: Bool
    /// Why it stopped (a receiver answered 410 Gone), when it did.
    public var deactivatedReason: String?
    public var createdAt: Date
    public var updatedAt: Date

    static let columns: SQLQuery =
        "id, tenant_id, url, event_types, active, deactivated_reason, created_at, updated_at"

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        tenantID = try row.decode("tenant_id")
        url = try row.decode("url")
        eventTypes = try row.decode("event_types")
        active = try row.decode("active")
        deactivatedReason = try row.decode("deactivated_reason")
        createdAt = try row.decode("created_at")
        updatedAt = try row.decode("updated_at")
    }

    /// Whether an event of `type` goes to this subscription.
    public func wants(_ type: String) -> Bool {
        eventTypes.isEmpty || eventTypes.contains(type)
    }
}

/// One event on its way to one subscription, with its delivery history.
public struct WebhookDelivery: Sendable, Equatable {
    /// `pending` (due at ``nextAttemptAt``), `delivering` (leased to a worker), `delivered`,
    /// `failed` (the subscription went away) or `dead` (retries used up).
    public enum Status: String, Sendable, CaseIterable {
        case pending, delivering, delivered, failed, dead
    }

    public var id: UUID
    public var tenantID: UUID
    public var subscriptionID: UUID
    /// The event's stable id: the same for every attempt and every redelivery.
    public var eventID: UUID
    public var eventType: String
    public var payload: JSONValue
    public var status: Status
    public var attempts: Int
    public var nextAttemptAt: Date
    public var lastStatusCode: Int?
    public var lastError: String?
    public var deliveredAt: Date?
    public var createdAt: Date
    public var eventCreatedAt: Date
    public var retryWindowStart: Date

    static func columns(alias: String) -> SQLQuery {
        let names = [
            "id", "tenant_id", "subscription_id", "event_id", "event_type", "payload", "status", "attempts",
            "next_attempt_at", "last_status_code", "last_error", "delivered_at", "created_at", "event_created_at",
            "retry_window_start",
        ]
        return SQLQuery(stringLiteral: names.map { "\(alias).\($0)" }.joined(separator: ", "))
    }

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        tenantID = try row.decode("tenant_id")
        subscriptionID = try row.decode("subscription_id")
        eventID = try row.decode("event_id")
        eventType = try row.decode("event_type")
        payload = try row.decodeJSON("payload", as: JSONValue.self)
        status = Status(rawValue: try row.decode("status")) ?? .pending
        attempts = try row.decode("attempts")
        nextAttemptAt = try row.decode("next_attempt_at")
        lastStatusCode = try row.decode("last_status_code")
        lastError = try row.decode("last_error")
        deliveredAt = try row.decode("delivered_at")
        createdAt = try row.decode("created_at")
        eventCreatedAt = try row.decode("event_created_at")
        retryWindowStart = try row.decode("retry_window_start")
    }
}

/// A delivery leased to a worker, with what it needs to send: the URL and the sealed secret.
public struct ClaimedWebhookDelivery: Sendable {
    public var delivery: WebhookDelivery
    public var url: String
    public var sealedSecret: Data
    public var secretKeyID: String
}
