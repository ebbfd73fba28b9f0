public import Foundation
public import PapoCore
public import PapoPostgres

extension SessionStore {
    /// The tenant's sessions, oldest first.
    public func details(tenantID: UUID) async throws -> [SessionDetails] {
        try await pool.query(
            "SELECT \(fragment: SessionDetails.columns) FROM whatsapp_sessions WHERE tenant_id = \(tenantID) ORDER BY created_at, name"
        ).map(SessionDetails.init(row:))
    }

    /// One session of the tenant, by id.
    public func details(id: UUID, tenantID: UUID) async throws -> SessionDetails? {
        try await pool.query(
            "SELECT \(fragment: SessionDetails.columns) FROM whatsapp_sessions WHERE tenant_id = \(tenantID) AND id = \(id)"
        ).first.map(SessionDetails.init(row:))
    }

    /// One session of the tenant, by name.
    public func details(name: String, tenantID: UUID) async throws -> SessionDetails? {
        try await pool.query(
            "SELECT \(fragment: SessionDetails.columns) FROM whatsapp_sessions WHERE tenant_id = \(tenantID) AND name = \(name)"
        ).first.map(SessionDetails.init(row:))
    }

    /// What ``prepare(tenantID:name:provider:makeDefault:)`` found.
    public enum Prepared: Sendable {
        /// The session to initialise: new, or the existing one of that name on the same provider.
        case ready(SessionDetails, created: Bool)
        /// A session of that name exists on another provider.
        case providerMismatch(SessionDetails)
    }

    /// The session `name` of the tenant, created (status `connecting`) when missing. It becomes
    /// the default when `makeDefault` is set or the tenant has no default yet, so sends that name
    /// no session keep finding exactly one.
    public func prepare(
        tenantID: UUID, name: String, provider: ProviderKind, makeDefault: Bool
    ) async throws
        -> Prepared
    {
        try await pool.withTransaction { connection in
            // Serialises concurrent initialisations of one tenant, so two first sessions cannot
            // both decide they are the default.
            try connection.query("SELECT id FROM tenants WHERE id = \(tenantID) FOR UPDATE")
            var created = false
            var row = try connection.query(
                """
                SELECT \(fragment: SessionDetails.columns) FROM whatsapp_sessions
                WHERE tenant_id = \(tenantID) AND name = \(name) FOR UPDATE
                """
            ).first
            if let existing = try row.map(SessionDetails.init(row:)), existing.record.provider != provider {
                return .providerMismatch(existing)
            }
            if row == nil {
                row = try connection.query(
                    """
                    INSERT INTO whatsapp_sessions (tenant_id, name, provider, status)
                    VALUES (\(tenantID), \(name), \(provider.rawValue), 'connecting')
                    RETURNING \(fragment: SessionDetails.columns)
                    """
                ).first
                created = true
            }
            var details = try SessionDetails(row: row!)
            let hasDefault =
                try connection.query(
                    "SELECT 1 FROM whatsapp_sessions WHERE tenant_id = \(tenantID) AND is_default"
                ).first != nil
            if makeDefault || !hasDefault, !details.record.isDefault {
                try connection.query(
                    "UPDATE whatsapp_sessions SET is_default = false WHERE tenant_id = \(tenantID) AND is_default")
                try connection.query(
                    "UPDATE whatsapp_sessions SET is_default = true WHERE tenant_id = \(tenantID) AND id = \(details.id)"
                )
                details.record.isDefault = true
            }
            return .ready(details, created: created)
        }
    }

    /// Applies `change` to the session and publishes what a watcher should hear, in one
    /// transaction; `nil` when the tenant has no such session.
    @discardableResult
    public func apply(_ change: SessionChange, sessionID: UUID, tenantID: UUID) async throws -> SessionDetails? {
        try await pool.withTransaction { connection in
            guard let old = try Self.lock(sessionID: sessionID, tenantID: tenantID, on: connection) else { return nil }
            return try Self.apply(change, to: old, on: connection)
        }
    }

    /// Records what a provider reported (a gateway webhook, a reconnect or a health check) and
    /// reacts by ``SessionRecovery``: connected clears the reconnect count, a transient close
    /// schedules a reconnect with `backoff`, a logout or refusal stops for good. Reports about a
    /// session that was disconnected on purpose are ignored.
    @discardableResult
    public func record(
        _ report: ConnectionReport, sessionID: UUID, tenantID: UUID, backoff: Backoff, now: Date = Date()
    ) async throws -> SessionDetails? {
        try await pool.withTransaction { connection in
            guard let old = try Self.lock(sessionID: sessionID, tenantID: tenantID, on: connection) else { return nil }
            if old.state == .disconnected, !old.hasCredentials { return old }
            let decision = SessionRecovery.decide(
                state: report.state, reasonCode: report.reasonCode, failedAttempts: old.reconnectAttempts,
                backoff: backoff)
            return try Self.apply(
                Self.change(for: decision, report: report, old: old, now: now), to: old, on: connection)
        }
    }

    static func change(
        for decision: SessionRecovery.Decision, report: ConnectionReport, old: SessionDetails, now: Date
    ) -> SessionChange {
        let detail = report.detail.map { ": \($0)" } ?? ""
        switch decision {
        case .connected:
            return SessionChange(
                state: .connected, phoneNumber: report.phoneNumber, displayName: report.displayName, lastError: nil,
                reconnect: .reset, seen: true, reasonCode: report.reasonCode)
        case .awaitingLink:
            return SessionChange(
                state: .qr, lastError: nil, qr: report.qr, reconnect: .cancel, seen: true,
                reasonCode: report.reasonCode)
        case .connecting:
            return SessionChange(
                state: .connecting, phoneNumber: report.phoneNumber, seen: true, reasonCode: report.reasonCode,
                keepsError: true)
        case .reconnect(let attempt, let delay):
            let reason = report.reasonCode.map { " (reason \($0))" } ?? ""
            return SessionChange(
                state: .connecting,
                lastError: "connection lost\(reason)\(detail); reconnect attempt \(attempt) scheduled",
                reconnect: .schedule(attempts: attempt, at: now.addingTimeInterval(delay.timeInterval)),
                reasonCode: report.reasonCode)
        case .stop(let state, let reason):
            return SessionChange(
                state: state, lastError: reason + detail, reconnect: .reset, reasonCode: report.reasonCode)
        }
    }

    static func lock(sessionID: UUID, tenantID: UUID, on connection: PostgresConnection) throws -> SessionDetails? {
        try connection.query(
            """
            SELECT \(fragment: SessionDetails.columns) FROM whatsapp_sessions
            WHERE tenant_id = \(tenantID) AND id = \(sessionID) FOR UPDATE
            """
        ).first.map(SessionDetails.init(row:))
    }

    /// Writes the change over `old` (locked by the caller's transaction) and publishes
    /// `session.status` when anything a tenant sees changed, `session.qr` for a new code.
    static func apply(
        _ change: SessionChange, to old: SessionDetails, on connection: PostgresConnection
    ) throws
        -> SessionDetails
    {
        var code: LinkCode?
        var freshCode = false
        if change.state == .qr {
            if let qr = change.qr {
                code = qr
                freshCode = qr.code != old.qrCode || qr.pairingCode != old.pairingCode || qr.image != old.qrImage
            } else {
                code = LinkCode(code: old.qrCode, image: old.qrImage, pairingCode: old.pairingCode)
            }
        }
        let attempts: Int
        let nextReconnect: Date?
        switch change.reconnect {
        case .keep: (attempts, nextReconnect) = (old.reconnectAttempts, old.nextReconnectAt)
        case .reset: (attempts, nextReconnect) = (0, nil)
        case .cancel: (attempts, nextReconnect) = (old.reconnectAttempts, nil)
        case .schedule(let count, let at): (attempts, nextReconnect) = (count, at)
        }
        let lastError = change.keepsError ? old.lastError : change.lastError.map { String($0.prefix(1000)) }
        var credentialsChange: SQLQuery = ""
        switch change.credentials {
        case .keep: break
        case .set(let sealed, let keyID): credentialsChange = ", session_data = \(sealed), session_key_id = \(keyID)"
        case .clear: credentialsChange = ", session_data = NULL, session_key_id = NULL"
        }
        var webhookChange: SQLQuery = ""
        switch change.webhook {
        case .keep: break
        case .set(let externalID, let hash):
            webhookChange = ", external_id = \(externalID), webhook_secret_hash = \(hash)::bytea"
        case .clear: webhookChange = ", external_id = NULL, webhook_secret_hash = NULL"
        }
        let row = try connection.query(
            """
            UPDATE whatsapp_sessions SET
                status = \(change.state.rawValue),
                phone_number = COALESCE(\(change.phoneNumber)::text, phone_number),
                display_name = COALESCE(\(change.displayName.map { String($0.prefix(200)) })::text, display_name),
                last_error = \(lastError)::text,
                last_qr = \(code?.code)::text, last_qr_image = \(code?.image)::text,
                pairing_code = \(code?.pairingCode)::text,
                last_qr_at = CASE WHEN \(freshCode) THEN now() WHEN \(code == nil) THEN NULL ELSE last_qr_at END,
                reconnect_attempts = \(attempts), next_reconnect_at = \(nextReconnect)::timestamptz,
                last_seen_at = CASE WHEN \(change.seen) THEN now() ELSE last_seen_at END
                \(fragment: credentialsChange) \(fragment: webhookChange)
            WHERE tenant_id = \(old.tenantID) AND id = \(old.id)
            RETURNING \(fragment: SessionDetails.columns)
            """
        ).first!
        let new = try SessionDetails(row: row)
        if new.state != old.state || new.record.phoneNumber != old.record.phoneNumber
            || new.lastError != old.lastError || new.displayName != old.displayName
            || new.hasCredentials != old.hasCredentials
        {
            try EventLog.publish(
                .sessionStatus, tenantID: new.tenantID,
                payload: statusPayload(new, previous: old.state, reasonCode: change.reasonCode), on: connection)
        }
        if freshCode {
            try EventLog.publish(.sessionQR, tenantID: new.tenantID, payload: qrPayload(new), on: connection)
        }
        return new
    }

    static func statusPayload(_ session: SessionDetails, previous: SessionState, reasonCode: Int?) -> JSONValue {
        var payload: [String: JSONValue] = [
            "session_id": .string(session.id.uuidString.lowercased()), "name": .string(session.record.name),
            "provider": .string(session.record.provider.rawValue), "status": .string(session.state.rawValue),
            "previous_status": .string(previous.rawValue),
            "phone_number": session.record.phoneNumber.map(JSONValue.string) ?? .null,
            "last_error": session.lastError.map(JSONValue.string) ?? .null,
        ]
        if let reasonCode { payload["reason_code"] = .integer(reasonCode) }
        return .object(payload)
    }

    static func qrPayload(_ session: SessionDetails) -> JSONValue {
        .object([
            "session_id": .string(session.id.uuidString.lowercased()), "name": .string(session.record.name),
            "provider": .string(session.record.provider.rawValue),
            "qr_code": session.qrCode.map(JSONValue.string) ?? .null,
            "qr_image": session.qrImage.map(JSONValue.string) ?? .null,
            "pairing_code": session.pairingCode.map(JSONValue.string) ?? .null,
        ])
    }
}

/// What a provider said about a session's connection, in the store's terms.
public struct ConnectionReport: Sendable, Equatable {
    public var state: SessionState
    public var reasonCode: Int?
    public var phoneNumber: String?
    public var displayName: String?
    public var qr: LinkCode?
    /// The provider's explanation (a refusal message, an error), kept as the session's last error.
    public var detail: String?

    public init(
        state: SessionState, reasonCode: Int? = nil, phoneNumber: String? = nil, displayName: String? = nil,
        qr: LinkCode? = nil, detail: String? = nil
    ) {
        self.state = state
        self.reasonCode = reasonCode
        self.phoneNumber = phoneNumber
        self.displayName = displayName
        self.qr = qr
        self.detail = detail
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}

extension SessionStore {
    /// The session that claims a provider's name for a number, across tenants: a number (or
    /// gateway instance) belongs to one session only.
    public func owner(provider: ProviderKind, externalID: String) async throws -> SessionRecord? {
        try await pool.query(
            """
            SELECT \(fragment: SessionRecord.columns) FROM whatsapp_sessions
            WHERE provider = \(provider.rawValue) AND external_id = \(externalID)
            """
        ).first.map(SessionRecord.init(row:))
    }
}
