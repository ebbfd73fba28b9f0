import PapoCore
import PapoPluginABI

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What the host services do for one call: the in-process host stores directly, the isolated
/// child relays to its parent.
protocol HostServiceHandler: Sendable {
    func log(level: Int32, message: String)
    func get(key: String) -> (status: papo_status, value: [UInt8]?)
    func put(key: String, value: [UInt8]) -> papo_status
    func delete(key: String) -> papo_status
    func list(prefix: String) -> (status: papo_status, keys: [String])
}

/// The `papo_call` handed to a plugin: an unretained pointer to one of these.
///
/// The job that runs `invoke` holds the scope strongly until `invoke` returns, even after a
/// timeout, so the pointer a plugin uses during its call is always alive.
final class CallScope: Sendable {
    let handler: any HostServiceHandler

    init(handler: any HostServiceHandler) { self.handler = handler }

    var pointer: OpaquePointer { OpaquePointer(Unmanaged.passUnretained(self).toOpaque()) }

    static func from(_ call: OpaquePointer?) -> CallScope? {
        guard let call else { return nil }
        return Unmanaged<CallScope>.fromOpaque(UnsafeRawPointer(call)).takeUnretainedValue()
    }
}

/// The one `papo_host_services` table of this process.
enum HostServices {
    static let maximumKeyBytes = 512
    static let maximumValueBytes = 1 << 20

    /// Allocated once and never freed: plugins keep the pointer for the life of the process.
    nonisolated(unsafe) static let table: UnsafePointer<papo_host_services> = {
        // nonisolated(unsafe) is sound: written once here (Swift runs static initialisers
        // exactly once, thread-safely) and only read afterwards, by plugins and by us.
        let table = UnsafeMutablePointer<papo_host_services>.allocate(capacity: 1)
        table.initialize(
            to: papo_host_services(
                abi_version: PAPO_PLUGIN_ABI_VERSION,
                struct_size: UInt32(MemoryLayout<papo_host_services>.size),
                log: { call, level, message in
                    guard let scope = CallScope.from(call), let message else { return }
                    scope.handler.log(level: level, message: String(cString: message))
                },
                kv_get: { call, key, outValue, outLength in
                    guard let scope = CallScope.from(call) else { return Int32(PAPO_BAD_CALL.rawValue) }
                    guard let key = HostServices.checkedKey(key) else { return Int32(PAPO_INVALID.rawValue) }
                    let (status, value) = scope.handler.get(key: key)
                    guard status == PAPO_OK, let value else { return Int32(status.rawValue) }
                    let buffer = malloc(value.count + 1)!.assumingMemoryBound(to: CChar.self)
                    value.withUnsafeBytes { bytes in
                        if let base = bytes.baseAddress { memcpy(buffer, base, value.count) }
                    }
                    buffer[value.count] = 0
                    outValue?.pointee = buffer
                    outLength?.pointee = value.count
                    return Int32(PAPO_OK.rawValue)
                },
                kv_put: { call, key, value, length in
                    guard let scope = CallScope.from(call) else { return Int32(PAPO_BAD_CALL.rawValue) }
                    guard let key = HostServices.checkedKey(key), length <= HostServices.maximumValueBytes,
                        value != nil || length == 0
                    else { return Int32(PAPO_INVALID.rawValue) }
                    let bytes = value.map { Array(UnsafeRawBufferPointer(start: $0, count: length)) } ?? []
                    return Int32(scope.handler.put(key: key, value: bytes).rawValue)
                },
                kv_delete: { call, key in
                    guard let scope = CallScope.from(call) else { return Int32(PAPO_BAD_CALL.rawValue) }
                    guard let key = HostServices.checkedKey(key) else { return Int32(PAPO_INVALID.rawValue) }
                    return Int32(scope.handler.delete(key: key).rawValue)
                },
                kv_list: { call, prefix, outJSON in
                    guard let scope = CallScope.from(call) else { return Int32(PAPO_BAD_CALL.rawValue) }
                    let prefix = prefix.map { String(cString: $0) } ?? ""
                    let (status, keys) = scope.handler.list(prefix: prefix)
                    guard status == PAPO_OK else { return Int32(status.rawValue) }
                    outJSON?.pointee = strdup(JSONValue.array(keys.map(JSONValue.string)).jsonText)
                    return Int32(PAPO_OK.rawValue)
                },
                free: { pointer in Glibc.free(pointer) }))
        return UnsafePointer(table)
    }()

    static func checkedKey(_ key: UnsafePointer<CChar>?) -> String? {
        guard let key else { return nil }
        let text = String(cString: key)
        return (1...maximumKeyBytes).contains(text.utf8.count) ? text : nil
    }
}
