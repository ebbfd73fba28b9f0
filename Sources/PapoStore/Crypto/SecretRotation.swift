import Foundation
public import PapoPostgres

/// Re-seals every stored secret under the newest key, so older keys can be retired.
public struct SecretRotation: Sendable {
    public let pool: PostgresPool
    public let box: SecretBox

    public init(pool: PostgresPool, box: SecretBox) {
        self.pool = pool
        self.box = box
    }

    /// The columns holding sealed secrets and their key ids.
    static let targets: [(table: String, data: String, keyID: String)] = [
        ("whatsapp_sessions", "session_data", "session_key_id"),
        ("webhook_subscriptions", "secret", "secret_key_id"),
        ("tenants", "inbound_secret", "inbound_secret_key_id"),
        ("tenants", "llm_api_key", "llm_api_key_id"),
    ]

    /// Re-seals every row not under the current key, each table in one transaction; returns
    /// how many rows changed. Rows are locked while they are rewritten, so a concurrent writer
    /// waits rather than losing its change.
    @discardableResult
    public func rotate() async throws -> Int {
        var changed = 0
        for target in Self.targets {
            let box = box
            changed += try await pool.withTransaction { connection in
                let rows = try connection.query(
                    """
                    SELECT id, \(identifier: target.data) AS sealed, \(identifier: target.keyID) AS key_id
                    FROM \(identifier: target.table)
                    WHERE \(identifier: target.data) IS NOT NULL AND \(identifier: target.keyID) <> \(box.currentKeyID)
                    FOR UPDATE
                    """)
                for row in rows {
                    let plaintext = try box.open(
                        try row.decode("sealed", as: Data.self), keyID: try row.decode("key_id"))
                    let (sealed, keyID) = try box.seal(plaintext)
                    try connection.query(
                        """
                        UPDATE \(identifier: target.table) SET \(identifier: target.data) = \(sealed),
                               \(identifier: target.keyID) = \(keyID)
                        WHERE id = \(try row.decode("id", as: UUID.self))
                        """)
                }
                return rows.count
            }
        }
        return changed
    }
}
