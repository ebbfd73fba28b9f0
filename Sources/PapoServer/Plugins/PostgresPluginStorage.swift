import Foundation
public import PapoPlugins
public import PapoPostgres

/// Plugin key-value storage in the `plugin_kv` table, scoped by tenant and plugin.
///
/// The host fills in the tenant from the call it serves, so a plugin can never name another
/// tenant; this type only has to keep every query filtered by that tenant.
public struct PostgresPluginStorage: PluginStorage {
    let pool: PostgresPool

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public func value(tenant: String, plugin: String, key: String) async throws -> [UInt8]? {
        let tenantID = try Self.tenantID(tenant)
        let row = try await pool.query(
            "SELECT value FROM plugin_kv WHERE tenant_id = \(tenantID) AND plugin = \(plugin) AND key = \(key)"
        ).first
        return try row.map { [UInt8](try $0.decode("value", as: Data.self)) }
    }

    public func setValue(_ value: [UInt8], tenant: String, plugin: String, key: String) async throws {
        let tenantID = try Self.tenantID(tenant)
        try await pool.query(
            """
            INSERT INTO plugin_kv (tenant_id, plugin, key, value) VALUES (\(tenantID), \(plugin), \(key), \(Data(value)))
            ON CONFLICT (tenant_id, plugin, key) DO UPDATE SET value = EXCLUDED.value
            """)
    }

    public func removeValue(tenant: String, plugin: String, key: String) async throws -> Bool {
        let tenantID = try Self.tenantID(tenant)
        let result = try await pool.query(
            "DELETE FROM plugin_kv WHERE tenant_id = \(tenantID) AND plugin = \(plugin) AND key = \(key)")
        return result.affectedRows > 0
    }

    public func keys(tenant: String, plugin: String, prefix: String) async throws -> [String] {
        let tenantID = try Self.tenantID(tenant)
        // `^@` (starts-with) uses the C-collated primary key and needs no escaping of % or _.
        return try await pool.query(
            """
            SELECT key FROM plugin_kv WHERE tenant_id = \(tenantID) AND plugin = \(plugin) AND key ^@ \(prefix)
            ORDER BY key
            """
        ).map { try $0.decode("key", as: String.self) }
    }

    static func tenantID(_ text: String) throws -> UUID {
        guard let id = UUID(uuidString: text) else {
            throw PostgresError(.invalidConfiguration, "plugin storage needs a tenant id (UUID), got '\(text)'")
        }
        return id
    }
}
