public import Foundation
import PapoPluginABI

/// Who a call is for, the agent's config for the tool, the clock, storage and logging.
///
/// Valid only during the call it was passed to: it carries the host's call handle.
public struct ToolContext {
    /// The tenant (storage is already scoped to it).
    public let tenantId: String
    /// The conversation, when the call comes from one.
    public let conversationId: String?
    /// The customer's WhatsApp number.
    public let customerNumber: String?
    /// The customer's display name.
    public let customerName: String?
    /// The host's clock for this turn; use it instead of `Date()` so tests can fix time.
    public let now: Date
    /// The agent's per-capability config, as JSON.
    public let configJSON: Data
    /// Tenant-scoped key-value storage.
    public let storage: PluginStorage

    init(contextJSON: Data, call: OpaquePointer?, host: HostTable?) {
        let object = (try? JSONSerialization.jsonObject(with: contextJSON)) as? [String: Any] ?? [:]
        let customer = object["customer"] as? [String: Any] ?? [:]
        tenantId = object["tenant_id"] as? String ?? ""
        conversationId = object["conversation_id"] as? String
        customerNumber = customer["number"] as? String
        customerName = customer["name"] as? String
        now = (object["now"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) } ?? Date()
        let config = object["config"].flatMap { $0 is NSNull ? nil : $0 } ?? [String: Any]()
        configJSON =
            (try? JSONSerialization.data(withJSONObject: config, options: [.fragmentsAllowed])) ?? Data("{}".utf8)
        storage = PluginStorage(call: call, host: host)
    }

    /// Decodes the config into the plugin's own type (missing config decodes from `{}`).
    public func config<Config: Decodable>(_ type: Config.Type) throws -> Config {
        do { return try JSONDecoder().decode(Config.self, from: configJSON) } catch {
            throw ToolError("the agent's configuration for this tool is invalid: \(error)")
        }
    }

    /// Writes to the engine's log, tagged with plugin, tool and tenant.
    public func log(_ level: LogLevel, _ message: String) {
        guard let host = storage.host else { return }
        host.table.pointee.log(storage.call, Int32(level.rawValue), message)
    }
}

/// Levels of ``ToolContext/log(_:_:)``.
public enum LogLevel: Int, Sendable {
    case debug = 0
    case info, warning, error
}

/// The host services table, kept for the process's life.
struct HostTable: @unchecked Sendable {
    // Sendable because the host allocates the table once, never frees or changes it, and
    // documents its functions as callable from any thread.
    let table: UnsafePointer<papo_host_services>
}
