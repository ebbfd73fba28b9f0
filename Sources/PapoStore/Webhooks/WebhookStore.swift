public import Foundation
import PapoCore
public import PapoPostgres

/// Tenant webhook subscriptions and their delivery queue in PostgreSQL.
///
/// Deliveries are queued by ``EventLog/publish(_:tenantID:payload:on:)`` in the transaction of
/// the change, so the queue and the change commit together. Workers on any instance claim due
/// rows with `FOR UPDATE SKIP LOCKED` and a lease (`status = 'delivering'` until
/// `next_attempt_at`); the attempt count, raised by each claim, fences the outcome so a worker
/// whose lease ran out cannot overwrite the result of the worker that took over. Every query
/// outside the claim is scoped by tenant.
public struct WebhookStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    // MARK: - Subscriptions

    /// Stores a subscription with its sealed secret.
    public func createSubscription(
        tenantID: UUID, url: String, eventTypes: [String], sealedSecret: Data, secretKeyID: String, actor: String
    ) async throws -> WebhookSubscription {
        try await pool.withTransaction { connection in
            let subscription = try WebhookSubscription(
                row: connection.query(
                    """
                    INSERT INTO webhook_subscriptions (tenant_id, url, event_types, secret, secret_key_id)
                    VALUES (\(tenantID), \(url), \(eventTypes)::text[], \(sealedSecret), \(secretKeyID))
                    RETURNING \(fragment: WebhookSubscription.columns)
                    """
                ).first!)
            try AuditLog.record(
                tenantID: tenantID, actor: actor, action: "webhook.subscription.create",
                target: subscription.id.uuidString.lowercased(), details: ["url": .string(Self.auditedURL(url))],
                on: connection)
            return subscription
        }
    }

    /// The tenant's subscriptions, oldest first.
    public func subscriptions(tenantID: UUID) async throws -> [WebhookSubscription] {
        try await pool.query(
            """
            SELECT \(fragment: WebhookSubscription.columns) FROM webhook_subscriptions
            WHERE tenant_id = \(tenantID) ORDER BY created_at, id
            """
        ).map(WebhookSubscription.init(row:))
    }

    /// Deletes a subscription of the tenant (its deliveries go with it); `false` when none.
    public func deleteSubscription(id: UUID, tenantID: UUID, actor: String) async throws -> Bool {
        try await pool.withTransaction { connection in
            let deleted =
                try connection.query(
                    "DELETE FROM webhook_subscriptions WHERE tenant_id = \(tenantID) AND id = \(id)"
                ).affectedRows == 1
            if deleted {
                try AuditLog.record(
                    tenantID: tenantID, actor: actor, action: "webhook.subscription.delete",
                    target: id.uuidString.lowercased(), on: connection)
            }
            return deleted
        }
    }

    // MARK: - The delivery queue

    /// Leases up to `limit` due deliveries of active subscriptions, across tenants, oldest
    /// first; each claim counts an attempt.
    public func claimDue(limit: Int, lease: Duration) async throws -> [ClaimedWebhookDelivery] {
        guard limit > 0 else { return [] }
        let leaseSeconds = Self.seconds(lease)
        return try await pool.withTransaction { connection in
            try connection.query(
                """
                UPDATE webhook_deliveries d SET status = 'delivering', attempts = d.attempts + 1,
                       next_attempt_at = now() + make_interval(secs => \(leaseSeconds))
                FROM (
                    SELECT q.id FROM webhook_deliveries q
                    JOIN webhook_subscriptions s ON s.tenant_id = q.tenant_id AND s.id = q.subscription_id
                    WHERE q.status IN ('pending', 'delivering') AND q.next_attempt_at <= now() AND s.active
                    ORDER BY q.next_attempt_at
                    LIMIT \(limit)
                    FOR UPDATE OF q SKIP LOCKED
                ) due, webhook_subscriptions s
                WHERE d.id = due.id AND s.tenant_id = d.tenant_id AND s.id = d.subscription_id
                RETURNING \(fragment: WebhookDelivery.columns(alias: "d")), s.url, s.secret, s.secret_key_id
                """
            ).map { row in
                ClaimedWebhookDelivery(
                    delivery: try WebhookDelivery(row: row), url: try row.decode("url"),
                    sealedSecret: try row.decode("secret"), secretKeyID: try row.decode("secret_key_id"))
            }
        }
    }

    /// The receiver answered 2xx. `false` when the lease was lost meanwhile.
    @discardableResult
    public func markDelivered(_ claimed: ClaimedWebhookDelivery, statusCode: Int) async throws -> Bool {
        try await finish(
            claimed,
            set: """
                status = 'delivered', delivered_at = now(), last_status_code = \(statusCode), last_error = NULL
                """)
    }

    /// A failed attempt to retry at `at`.
    @discardableResult
    public func scheduleRetry(
        _ claimed: ClaimedWebhookDelivery, at: Date, statusCode: Int?, error: String
    ) async throws -> Bool {
        try await finish(
            claimed,
            set: """
                status = 'pending', next_attempt_at = \(at), last_status_code = \(statusCode),
                last_error = \(Self.clip(error))
                """)
    }

    /// Retries are used up.
    @discardableResult
    public func markDead(_ claimed: ClaimedWebhookDelivery, statusCode: Int?, error: String) async throws -> Bool {
        try await finish(
            claimed,
            set: """
                status = 'dead', last_status_code = \(statusCode), last_error = \(Self.clip(error))
                """)
    }

    /// The receiver answered 410 Gone: the delivery fails, the subscription is deactivated and
    /// its other queued deliveries fail with it.
    public func markGone(_ claimed: ClaimedWebhookDelivery, statusCode: Int) async throws {
        let delivery = claimed.delivery
        let reason = "the receiver answered \(statusCode) Gone"
        try await pool.withTransaction { connection in
            let updated = try connection.query(
                """
                UPDATE webhook_deliveries SET status = 'failed', last_status_code = \(statusCode), last_error = \(reason)
                WHERE tenant_id = \(delivery.tenantID) AND id = \(delivery.id)
                  AND status = 'delivering' AND attempts = \(delivery.attempts)
                """
            ).affectedRows
            guard updated == 1 else { return }
            try connection.query(
                """
                UPDATE webhook_subscriptions SET active = false, deactivated_reason = \(reason)
                WHERE tenant_id = \(delivery.tenantID) AND id = \(delivery.subscriptionID)
                """)
            try connection.query(
                """
                UPDATE webhook_deliveries SET status = 'failed', last_error = 'the subscription was deactivated'
                WHERE tenant_id = \(delivery.tenantID) AND subscription_id = \(delivery.subscriptionID)
                  AND status IN ('pending', 'delivering')
                """)
            try AuditLog.record(
                tenantID: delivery.tenantID, actor: "webhook-worker", action: "webhook.subscription.deactivate",
                target: delivery.subscriptionID.uuidString.lowercased(), details: ["reason": .string(reason)],
                on: connection)
        }
    }

    private func finish(_ claimed: ClaimedWebhookDelivery, set assignments: SQLQuery) async throws -> Bool {
        let delivery = claimed.delivery
        return try await pool.query(
            """
            UPDATE webhook_deliveries SET \(fragment: assignments)
            WHERE tenant_id = \(delivery.tenantID) AND id = \(delivery.id)
              AND status = 'delivering' AND attempts = \(delivery.attempts)
            """
        ).affectedRows == 1
    }

    /// How long until the earliest due delivery (zero when one is due), `nil` when none waits.
    public func nextDueIn() async throws -> Duration? {
        let row = try await pool.query(
            """
            SELECT EXTRACT(EPOCH FROM (min(q.next_attempt_at) - now()))::float8 AS wait
            FROM webhook_deliveries q
            JOIN webhook_subscriptions s ON s.tenant_id = q.tenant_id AND s.id = q.subscription_id AND s.active
            WHERE q.status IN ('pending', 'delivering')
            """
        ).first
        guard let seconds = try row?.decode("wait", as: Double?.self) else { return nil }
        return .milliseconds(Int64(max(0, seconds) * 1000))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// The URL without its query: receivers sometimes put a token there, and the audit log is
    /// read by people who should not see it.
    static func auditedURL(_ url: String) -> String {
        String(url.prefix { $0 != "?" && $0 != "#" })
    }

    /// Error texts are kept short: they come from receivers and transports.
    static func clip(_ text: String) -> String {
        text.count > 1000 ? String(text.prefix(1000)) : text
    }
}
