public import Foundation
import PapoCore
import PapoPostgres

extension WebhookStore {
    /// A page of the tenant's deliveries, newest first, optionally of one status or
    /// subscription; `before` is the id of the last delivery of the previous page.
    public func deliveries(
        tenantID: UUID, status: WebhookDelivery.Status? = nil, subscriptionID: UUID? = nil, before: UUID? = nil,
        limit: Int = 50
    ) async throws -> [WebhookDelivery] {
        try await pool.query(
            """
            SELECT \(fragment: WebhookDelivery.columns(alias: "d")) FROM webhook_deliveries d
            WHERE d.tenant_id = \(tenantID)
              AND (\(status?.rawValue)::text IS NULL OR d.status = \(status?.rawValue))
              AND (\(subscriptionID)::uuid IS NULL OR d.subscription_id = \(subscriptionID))
              AND (\(before)::uuid IS NULL OR (d.created_at, d.id) < (
                    SELECT p.created_at, p.id FROM webhook_deliveries p WHERE p.tenant_id = \(tenantID) AND p.id = \(before)))
            ORDER BY d.created_at DESC, d.id DESC
            LIMIT \(limit)
            """
        ).map(WebhookDelivery.init(row:))
    }

    /// What asking for a redelivery did.
    public enum RedeliveryOutcome: Sendable, Equatable {
        case queued(WebhookDelivery)
        case notFound
        /// It is still queued or being sent.
        case alreadyQueued
        /// Its subscription is deactivated.
        case subscriptionInactive
    }

    /// Queues a finished delivery again, due now, with a fresh retry budget; the event id stays
    /// the same, so a receiver that saw it before can recognise it.
    public func redeliver(id: UUID, tenantID: UUID, actor: String) async throws -> RedeliveryOutcome {
        try await pool.withTransaction { connection in
            guard
                let row = try connection.query(
                    """
                    SELECT d.status, s.active FROM webhook_deliveries d
                    JOIN webhook_subscriptions s ON s.tenant_id = d.tenant_id AND s.id = d.subscription_id
                    WHERE d.tenant_id = \(tenantID) AND d.id = \(id)
                    FOR UPDATE OF d
                    """
                ).first
            else { return .notFound }
            let status: String = try row.decode("status")
            if status == "pending" || status == "delivering" { return .alreadyQueued }
            guard try row.decode("active", as: Bool.self) else { return .subscriptionInactive }
            let delivery = try WebhookDelivery(
                row: connection.query(
                    """
                    UPDATE webhook_deliveries d SET status = 'pending', attempts = 0, next_attempt_at = now(),
                           retry_window_start = now(), delivered_at = NULL, last_error = NULL, last_status_code = NULL
                    WHERE d.tenant_id = \(tenantID) AND d.id = \(id)
                    RETURNING \(fragment: WebhookDelivery.columns(alias: "d"))
                    """
                ).first!)
            try AuditLog.record(
                tenantID: tenantID, actor: actor, action: "webhook.delivery.redeliver",
                target: id.uuidString.lowercased(), on: connection)
            try connection.query("SELECT pg_notify(\(EventLog.webhooksChannel), '')")
            return .queued(delivery)
        }
    }
}
