import Synchronization

/// Tenant-scoped key-value storage behind the `kv_*` host services.
///
/// Every call names the tenant and the plugin, taken by the host from the call in progress —
/// never from the plugin — so one tenant's data is unreachable from another tenant's calls.
/// The main repository implements it over the `plugin_kv` table (primary key
/// `(tenant_id, plugin, key)`, `value bytea`); ``InMemoryPluginStorage`` serves tests.
///
/// The host has already checked that keys are 1...512 bytes and values at most 1 MiB.
/// Methods are called from the plugin thread pool, which waits for them; they may do I/O.
public protocol PluginStorage: Sendable {
    /// The value under `key`, `nil` when there is none.
    func value(tenant: String, plugin: String, key: String) async throws -> [UInt8]?
    /// Stores `value` under `key`, replacing any previous value.
    func setValue(_ value: [UInt8], tenant: String, plugin: String, key: String) async throws
    /// Deletes `key`; returns whether there was a value.
    func removeValue(tenant: String, plugin: String, key: String) async throws -> Bool
    /// The keys that start with `prefix`, sorted by their bytes (the `COLLATE "C"` order).
    func keys(tenant: String, plugin: String, prefix: String) async throws -> [String]
}

/// A ``PluginStorage`` in memory, for tests and development.
public final class InMemoryPluginStorage: PluginStorage {
    private struct Slot: Hashable {
        var tenant: String
        var plugin: String
        var key: String
    }

    private let values = Mutex<[Slot: [UInt8]]>([:])

    /// Creates an empty store.
    public init() {}

    public func value(tenant: String, plugin: String, key: String) async throws -> [UInt8]? {
        values.withLock { $0[Slot(tenant: tenant, plugin: plugin, key: key)] }
    }

    public func setValue(_ value: [UInt8], tenant: String, plugin: String, key: String) async throws {
        values.withLock { $0[Slot(tenant: tenant, plugin: plugin, key: key)] = value }
    }

    public func removeValue(tenant: String, plugin: String, key: String) async throws -> Bool {
        values.withLock { $0.removeValue(forKey: Slot(tenant: tenant, plugin: plugin, key: key)) != nil }
    }

    public func keys(tenant: String, plugin: String, prefix: String) async throws -> [String] {
        let keys = values.withLock { values in
            values.keys.filter { $0.tenant == tenant && $0.plugin == plugin && $0.key.hasPrefix(prefix) }
                .map(\.key)
        }
        return keys.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// How many values the store holds for `tenant`, across plugins (for tests).
    public func count(tenant: String) -> Int {
        values.withLock { $0.keys.count { $0.tenant == tenant } }
    }
}
