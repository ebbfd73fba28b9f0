/// Why a plugin was not loaded; shown in `papo plugins list` and `GET /api/v1/plugins`.
public enum PluginLoadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `dlopen` failed (missing file, unresolved symbol, wrong architecture...).
    case cannotOpen(String)
    /// The library exports no `papo_plugin_entry_v1`.
    case missingEntry
    /// The entry returned NULL.
    case entryReturnedNull
    /// The plugin speaks another ABI major version.
    case abiMismatch(plugin: UInt32, host: UInt32)
    /// The plugin's table is smaller than the v1 table.
    case structTooSmall(plugin: UInt32, required: UInt32)
    /// The manifest is malformed; the text says where.
    case badManifest(String)
    /// Another plugin already registered the name.
    case duplicate(String)
    /// The isolated child process could not start or answer.
    case isolation(String)

    public var description: String {
        switch self {
        case .cannotOpen(let reason): "cannot open the library: \(reason)"
        case .missingEntry: "the library does not export papo_plugin_entry_v1 (not a Papo plugin, or another ABI major)"
        case .entryReturnedNull: "papo_plugin_entry_v1 returned NULL"
        case .abiMismatch(let plugin, let host): "ABI version \(plugin) is not supported (host speaks \(host))"
        case .structTooSmall(let plugin, let required):
            "struct_size \(plugin) is smaller than the v1 table (\(required) bytes)"
        case .badManifest(let reason): "bad manifest: \(reason)"
        case .duplicate(let reason): reason
        case .isolation(let reason): "isolated child failed: \(reason)"
        }
    }
}
