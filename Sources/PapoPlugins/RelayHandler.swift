import Foundation
import PapoCore
import PapoPluginABI

/// Host services inside the isolated child: each call becomes a request line to the parent,
/// answered before the plugin continues.
final class RelayHandler: HostServiceHandler, @unchecked Sendable {
    // @unchecked is sound because the child is single-threaded by construction: its main loop
    // calls `invoke` and blocks until it returns, and plugins call host services from the
    // thread of the call (papo_plugin.h), so `channel` is never used by two threads at once.
    private let channel: LineChannel

    init(channel: LineChannel) { self.channel = channel }

    func log(level: Int32, message: String) {
        channel.send(["type": "log", "level": .integer(Int(level)), "message": .string(message)])
    }

    func get(key: String) -> (status: papo_status, value: [UInt8]?) {
        let reply = request(["type": "kv", "op": "get", "key": .string(key)])
        let status = Self.status(reply)
        guard status == PAPO_OK else { return (status, nil) }
        guard let text = reply?["value"]?.stringValue, let data = Data(base64Encoded: text) else {
            return (PAPO_STORAGE_ERROR, nil)
        }
        return (PAPO_OK, Array(data))
    }

    func put(key: String, value: [UInt8]) -> papo_status {
        let encoded = Data(value).base64EncodedString()
        return Self.status(request(["type": "kv", "op": "put", "key": .string(key), "value": .string(encoded)]))
    }

    func delete(key: String) -> papo_status {
        Self.status(request(["type": "kv", "op": "delete", "key": .string(key)]))
    }

    func list(prefix: String) -> (status: papo_status, keys: [String]) {
        let reply = request(["type": "kv", "op": "list", "prefix": .string(prefix)])
        let keys = reply?["keys"]?.arrayValue?.compactMap(\.stringValue) ?? []
        return (Self.status(reply), keys)
    }

    private func request(_ message: JSONValue) -> JSONValue? {
        guard channel.send(message), case .message(let reply) = channel.receive(until: nil),
            reply["type"] == "kv_reply"
        else { return nil }
        return reply
    }

    private static func status(_ reply: JSONValue?) -> papo_status {
        guard let code = reply?["status"]?.intValue, let raw = UInt32(exactly: code) else { return PAPO_STORAGE_ERROR }
        return papo_status(rawValue: raw)
    }
}
