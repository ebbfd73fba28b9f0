public import Foundation
public import PapoCore
public import PapoPostgres

/// A connected WhatsApp number of a tenant (credentials stay in the database, encrypted).
public struct SessionRecord: Sendable, Equatable {
    public var id: UUID
    public var tenantID: UUID
    public var name: String
    public var provider: ProviderKind
    public var phoneNumber: String?
    public var status: String
    public var isDefault: Bool
    public var externalID: String?

    static let columnNames = [
        "id", "tenant_id", "name", "provider", "phone_number", "status", "is_default", "external_id",
    ]
    static let columns = SQLQuery(stringLiteral: columnNames.joined(separator: ", "))

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        tenantID = try row.decode("tenant_id")
        name = try row.decode("name")
        provider = ProviderKind(rawValue: try row.decode("provider")) ?? .sandbox
        phoneNumber = try row.decode("phone_number")
        status = try row.decode("status")
        isDefault = try row.decode("is_default")
        externalID = try row.decode("external_id")
    }
}

/// Sessions of a tenant. Every query is scoped by tenant id.
public struct SessionStore: Sendable {
    public let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    /// The session a send names, or the tenant's default one. A tenant without any session gets
    /// a connected Sandbox session as its default, so the embedded setup works out of the box.
    public func resolve(tenantID: UUID, name: String?) async throws -> SessionRecord? {
        try await pool.withTransaction { connection in
            if let name {
                return try connection.query(
                    "SELECT \(fragment: SessionRecord.columns) FROM whatsapp_sessions WHERE tenant_id = \(tenantID) AND name = \(name)"
                ).first.map(SessionRecord.init(row:))
            }
            if let row = try connection.query(
                "SELECT \(fragment: SessionRecord.columns) FROM whatsapp_sessions WHERE tenant_id = \(tenantID) AND is_default"
            ).first {
                return try SessionRecord(row: row)
            }
            try connection.query(
                """
                INSERT INTO whatsapp_sessions (tenant_id, name, provider, status, is_default)
                VALUES (\(tenantID), 'sandbox', 'sandbox', 'connected', true)
                ON CONFLICT DO NOTHING
                """)
            return try connection.query(
                "SELECT \(fragment: SessionRecord.columns) FROM whatsapp_sessions WHERE tenant_id = \(tenantID) AND is_default"
            ).first.map(SessionRecord.init(row:))
        }
    }

    /// One session by id, within the tenant.
    public func session(id: UUID, tenantID: UUID) async throws -> SessionRecord? {
        try await pool.query(
            "SELECT \(fragment: SessionRecord.columns) FROM whatsapp_sessions WHERE tenant_id = \(tenantID) AND id = \(id)"
        ).first.map(SessionRecord.init(row:))
    }
}

extension SessionStore {
    /// A session by id with the hash of its webhook secret, for authenticating gateway callbacks
    /// before the tenant is known.
    public func webhookTarget(sessionID: UUID, provider: ProviderKind) async throws -> (SessionRecord, Data?)? {
        guard
            let row = try await pool.query(
                """
                SELECT \(fragment: SessionRecord.columns), webhook_secret_hash FROM whatsapp_sessions
                WHERE id = \(sessionID) AND provider = \(provider.rawValue)
                """
            ).first
        else { return nil }
        return (try SessionRecord(row: row), try row.decode("webhook_secret_hash", as: Data?.self))
    }

    /// Records what a provider reported about the connection (status, QR while pairing, number).
    public func recordConnection(
        sessionID: UUID, tenantID: UUID, state: SessionState, qr: String?, phoneNumber: String?, error: String?
    ) async throws {
        try await pool.query(
            """
            UPDATE whatsapp_sessions SET status = \(state.rawValue), last_seen_at = now(),
                   last_qr = CASE WHEN \(state == .qr) THEN COALESCE(\(qr)::text, last_qr) ELSE NULL END,
                   last_qr_at = CASE WHEN \(qr)::text IS NOT NULL THEN now() ELSE last_qr_at END,
                   phone_number = COALESCE(\(phoneNumber)::text, phone_number),
                   last_error = \(error)::text
            WHERE tenant_id = \(tenantID) AND id = \(sessionID)
            """)
    }
}

extension SessionStore {
    /// The tenant's fallback provider kind, when it has one.
    public func fallbackProvider(tenantID: UUID) async throws -> ProviderKind? {
        try await pool.query("SELECT fallback_provider FROM tenants WHERE id = \(tenantID)").first
            .flatMap { try $0.decode("fallback_provider", as: String?.self) }
            .flatMap(ProviderKind.init(rawValue:))
    }

    /// A session of the tenant on `provider`: the default one first, then connected ones.
    public func session(tenantID: UUID, provider: ProviderKind) async throws -> SessionRecord? {
        try await pool.query(
            """
            SELECT \(fragment: SessionRecord.columns) FROM whatsapp_sessions
            WHERE tenant_id = \(tenantID) AND provider = \(provider.rawValue)
            ORDER BY is_default DESC, (status = 'connected') DESC, created_at
            LIMIT 1
            """
        ).first.map(SessionRecord.init(row:))
    }
}

extension SessionStore {
    /// A session's sealed credentials and the key id they were sealed under.
    public func sealedCredentials(sessionID: UUID, tenantID: UUID) async throws -> (data: Data, keyID: String)? {
        guard
            let row = try await pool.query(
                """
                SELECT session_data, session_key_id FROM whatsapp_sessions
                WHERE tenant_id = \(tenantID) AND id = \(sessionID) AND session_data IS NOT NULL
                """
            ).first
        else { return nil }
        return (try row.decode("session_data"), try row.decode("session_key_id"))
    }
}
