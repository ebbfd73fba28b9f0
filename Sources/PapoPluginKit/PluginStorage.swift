public import Foundation
import PapoPluginABI

/// The plugin's key-value storage for the calling tenant (keys 1–512 bytes, values ≤ 1 MiB).
public struct PluginStorage {
    let call: OpaquePointer?
    let host: HostTable?

    /// The value under `key`, `nil` when there is none.
    public func data(forKey key: String) throws -> Data? {
        guard let services = host?.table.pointee else { throw ToolError("storage is unavailable") }
        var value: UnsafeMutablePointer<CChar>?
        var length = 0
        let status = services.kv_get(call, key, &value, &length)
        if status == Int32(PAPO_NOT_FOUND.rawValue) { return nil }
        try check(status)
        defer { services.free(value) }
        return value.map { Data(bytes: $0, count: length) } ?? Data()
    }

    /// Stores `data` under `key`.
    public func set(_ data: Data, forKey key: String) throws {
        guard let services = host?.table.pointee else { throw ToolError("storage is unavailable") }
        let status = data.withUnsafeBytes { bytes in
            services.kv_put(call, key, bytes.baseAddress?.assumingMemoryBound(to: CChar.self), bytes.count)
        }
        try check(status)
    }

    /// Deletes `key`; returns whether there was a value.
    @discardableResult
    public func remove(_ key: String) throws -> Bool {
        guard let services = host?.table.pointee else { throw ToolError("storage is unavailable") }
        let status = services.kv_delete(call, key)
        if status == Int32(PAPO_NOT_FOUND.rawValue) { return false }
        try check(status)
        return true
    }

    /// The keys starting with `prefix`, sorted.
    public func keys(prefix: String) throws -> [String] {
        guard let services = host?.table.pointee else { throw ToolError("storage is unavailable") }
        var json: UnsafeMutablePointer<CChar>?
        try check(services.kv_list(call, prefix, &json))
        guard let json else { return [] }
        defer { services.free(json) }
        return (try? JSONDecoder().decode([String].self, from: Data(String(cString: json).utf8))) ?? []
    }

    /// The value under `key` decoded from JSON.
    public func value<Value: Decodable>(_ type: Value.Type, forKey key: String) throws -> Value? {
        guard let data = try data(forKey: key) else { return nil }
        return try JSONDecoder().decode(Value.self, from: data)
    }

    /// Stores `value` as JSON under `key`.
    public func set<Value: Encodable>(_ value: Value, forKey key: String) throws {
        try set(try JSONEncoder().encode(value), forKey: key)
    }

    private func check(_ status: Int32) throws {
        switch UInt32(bitPattern: status) {
        case PAPO_OK.rawValue: return
        case PAPO_INVALID.rawValue: throw ToolError("storage refused the key or value (too long?)")
        default: throw ToolError("storage is unavailable right now (status \(status))")
        }
    }
}
