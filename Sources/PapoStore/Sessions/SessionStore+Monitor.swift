public import Foundation
public import PapoCore
import PapoPostgres

/// The health monitor's queries. They run across tenants (the monitor serves all of them) and
/// claim rows with `SKIP LOCKED`, so several instances never work on the same session at once;
/// everything they return carries its tenant id, and every write goes back through the
/// tenant-scoped ``SessionStore/record(_:sessionID:tenantID:backoff:now:)``.
extension SessionStore {
    /// Claims the sessions whose reconnect is due at `now`, clearing their schedule so no other
    /// monitor picks them up. A claimed reconnect that is never carried out (a crash) is found
    /// again by the health check, which covers `connecting` sessions too.
    public func claimDueReconnects(now: Date, limit: Int = 50) async throws -> [SessionDetails] {
        try await pool.query(
            """
            UPDATE whatsapp_sessions SET next_reconnect_at = NULL
            WHERE id IN (
                SELECT id FROM whatsapp_sessions
                WHERE next_reconnect_at IS NOT NULL AND next_reconnect_at <= \(now) AND session_data IS NOT NULL
                ORDER BY next_reconnect_at LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            RETURNING \(fragment: SessionDetails.columns)
            """
        ).map(SessionDetails.init(row:))
    }

    /// Claims the Meta and Baileys sessions due for a health check: connected (or connecting
    /// with no reconnect pending), with credentials, not checked within `interval` before `now`.
    public func claimDueChecks(now: Date, interval: Duration, limit: Int = 50) async throws -> [SessionDetails] {
        let threshold = now.addingTimeInterval(-interval.timeInterval)
        return try await pool.query(
            """
            UPDATE whatsapp_sessions SET last_checked_at = \(now)
            WHERE id IN (
                SELECT id FROM whatsapp_sessions
                WHERE provider IN ('meta', 'baileys') AND session_data IS NOT NULL
                  AND status IN ('connected', 'connecting') AND next_reconnect_at IS NULL
                  AND (last_checked_at IS NULL OR last_checked_at <= \(threshold))
                ORDER BY last_checked_at NULLS FIRST LIMIT \(limit) FOR UPDATE SKIP LOCKED)
            RETURNING \(fragment: SessionDetails.columns)
            """
        ).map(SessionDetails.init(row:))
    }
}

extension SessionStore {
    /// The sealed credentials of the session a provider names `externalID` (a Meta
    /// `phone_number_id`), before any tenant is known: for checking a webhook's signature with
    /// the secret stored for that number.
    public func sealedCredentials(
        provider: ProviderKind, externalID: String
    ) async throws -> (
        data: Data, keyID: String
    )? {
        guard
            let row = try await pool.query(
                """
                SELECT session_data, session_key_id FROM whatsapp_sessions
                WHERE provider = \(provider.rawValue) AND external_id = \(externalID) AND session_data IS NOT NULL
                """
            ).first
        else { return nil }
        return (try row.decode("session_data"), try row.decode("session_key_id"))
    }

    /// The sealed credentials of every session on `provider` that has some, across tenants: for
    /// Meta's subscription handshake, which names no number.
    public func allSealedCredentials(provider: ProviderKind) async throws -> [(data: Data, keyID: String)] {
        try await pool.query(
            """
            SELECT session_data, session_key_id FROM whatsapp_sessions
            WHERE provider = \(provider.rawValue) AND session_data IS NOT NULL
            """
        ).map { (try $0.decode("session_data"), try $0.decode("session_key_id")) }
    }
}
