import Foundation
import PapoPluginABI
import Synchronization

/// Turns a ``Plugin`` into the C entry the host looks for. The plugin's whole export is:
///
/// ```swift
/// @_cdecl("papo_plugin_entry_v1")
/// public func papoPluginEntry(_ host: UnsafeRawPointer?) -> UnsafeRawPointer? {
///     PluginExport.entry(host: host) { RealEstatePlugin.make() }
/// }
/// ```
/// (`@_cdecl` has to sit in the plugin's own module, so this one function stays with the author.)
public enum PluginExport {
    private struct Exported: Sendable {
        let plugin: Plugin
        let tools: [String: Tool]
        let host: HostTable?
        let table: TablePointer
    }

    /// The table handed to the host; allocated once and never freed.
    private struct TablePointer: @unchecked Sendable {
        // Sendable because the table is written once before it is published and only read after.
        let pointer: UnsafePointer<papo_plugin>
    }

    private static let exported = Mutex<Exported?>(nil)

    /// Builds (once) and returns the plugin's `papo_plugin` table for the host.
    public static func entry(host: UnsafeRawPointer?, _ make: () -> Plugin) -> UnsafeRawPointer? {
        exported.withLock { exported in
            if let exported { return UnsafeRawPointer(exported.table.pointer) }
            let plugin = make()
            let table = UnsafeMutablePointer<papo_plugin>.allocate(capacity: 1)
            table.initialize(
                to: papo_plugin(
                    abi_version: PAPO_PLUGIN_ABI_VERSION,
                    struct_size: UInt32(MemoryLayout<papo_plugin>.size),
                    manifest_json: UnsafePointer(strdup(plugin.manifestJSON())),
                    invoke: { call, tool, arguments, context in PluginExport.invoke(call, tool, arguments, context) },
                    free: { pointer in Foundation.free(pointer) }))
            let hostTable = host.map { HostTable(table: $0.assumingMemoryBound(to: papo_host_services.self)) }
            exported = Exported(
                plugin: plugin, tools: Dictionary(plugin.tools.map { ($0.name, $0) }, uniquingKeysWith: { $1 }),
                host: hostTable, table: TablePointer(pointer: UnsafePointer(table)))
            return UnsafeRawPointer(table)
        }
    }

    private static func invoke(
        _ call: OpaquePointer?, _ tool: UnsafePointer<CChar>?, _ arguments: UnsafePointer<CChar>?,
        _ context: UnsafePointer<CChar>?
    ) -> UnsafeMutablePointer<CChar>? {
        guard let exported = exported.withLock({ $0 }), let tool else { return nil }
        let name = String(cString: tool)
        guard let entry = exported.tools[name] else {
            return strdup("{\"error\":\"unknown tool \(name)\"}")
        }
        let toolContext = ToolContext(
            contextJSON: Data((context.map { String(cString: $0) } ?? "{}").utf8), call: call, host: exported.host)
        let result = entry.run(Data((arguments.map { String(cString: $0) } ?? "{}").utf8), toolContext)
        return strdup(String(decoding: result, as: UTF8.self))
    }
}
