import PapoPluginABI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A plugin shared object opened in this process, its ABI checked.
///
/// Never closed: unloading a Swift image crashes later (type metadata, conformance caches and
/// thread-local destructors may still point into it), hence `RTLD_NODELETE` and no `dlclose`.
struct PluginLibrary: @unchecked Sendable {
    // Sendable because `table` points into the plugin's image, which stays mapped for the life
    // of the process (never dlclosed), and the table is immutable after the entry returns;
    // `invoke` and `free` are documented as callable from any thread.
    let path: String
    let table: UnsafePointer<papo_plugin>
    let manifestText: String

    /// dlopens `path`, calls the entry with `host` and checks the table.
    static func open(path: String, host: UnsafePointer<papo_host_services>) throws(PluginLoadError) -> PluginLibrary {
        // RTLD_LOCAL keeps each plugin's symbols (its copy of PluginKit, say) out of the others'.
        guard let handle = dlopen(path, RTLD_NOW | RTLD_LOCAL | RTLD_NODELETE) else {
            throw .cannotOpen(dlerror().map { String(cString: $0) } ?? "unknown error")
        }
        guard let symbol = dlsym(handle, PAPO_PLUGIN_ENTRY_SYMBOL) else { throw .missingEntry }
        let entry = unsafeBitCast(symbol, to: papo_plugin_entry_v1_fn.self)
        guard let table = entry(host) else { throw .entryReturnedNull }
        // Read the two leading fields before trusting the rest of the layout.
        let version = table.pointee.abi_version
        guard version == PAPO_PLUGIN_ABI_VERSION else {
            throw .abiMismatch(plugin: version, host: PAPO_PLUGIN_ABI_VERSION)
        }
        let required = UInt32(MemoryLayout<papo_plugin>.size)
        guard table.pointee.struct_size >= required else {
            throw .structTooSmall(plugin: table.pointee.struct_size, required: required)
        }
        guard let manifest = table.pointee.manifest_json else { throw .badManifest("manifest_json is NULL") }
        guard table.pointee.invoke != nil, table.pointee.free != nil else {
            throw .badManifest("invoke or free is NULL")
        }
        return PluginLibrary(path: path, table: table, manifestText: String(cString: manifest))
    }

    /// Calls the plugin's `invoke` on the current thread; `nil` when it returned NULL.
    func invoke(call: OpaquePointer?, tool: String, arguments: String, context: String) -> String? {
        guard let result = table.pointee.invoke(call, tool, arguments, context) else { return nil }
        defer { table.pointee.free(result) }
        return String(cString: result)
    }
}
