public import Foundation
public import PapoCore
public import PapoPostgres

/// Who changed what: written in the same transaction as the change it describes.
public enum AuditLog {
    public static func record(
        tenantID: UUID?, actor: String, action: String, target: String, details: [String: JSONValue] = [:],
        on connection: PostgresConnection
    ) throws {
        try connection.query(
            """
            INSERT INTO audit_log (tenant_id, actor, action, target, details)
            VALUES (\(tenantID), \(actor), \(action), \(target), \(PostgresJSON(details)))
            """)
    }
}
