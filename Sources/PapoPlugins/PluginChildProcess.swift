import PapoCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The child side of an isolated plugin: `papo plugin-host <path>` runs this.
///
/// It loads one library and serves its calls one at a time as JSON lines on stdin/stdout
/// (a socket pair set up by the parent). Host services are relayed to the parent, which owns
/// the storage and the logger. It exits when the parent closes the socket.
public enum PluginChildProcess {
    /// Serves the plugin at `path` until the parent goes away.
    public static func main(path: String) -> Never {
        // Keep the protocol on a private descriptor and point stdout at stderr, so a plugin
        // that prints cannot corrupt the message stream.
        let fd = dup(0)
        dup2(2, 1)
        let null = open("/dev/null", O_RDONLY)
        if null >= 0 { dup2(null, 0) }
        let channel = LineChannel(fd: fd)

        let library: PluginLibrary
        do {
            library = try PluginLibrary.open(path: path, host: HostServices.table)
        } catch {
            channel.send(["type": "failed", "reason": .string(error.description)])
            exit(1)
        }
        channel.send(["type": "ready", "manifest": .string(library.manifestText)])

        let scope = CallScope(handler: RelayHandler(channel: channel))
        while case .message(let message) = channel.receive(until: nil) {
            guard message["type"] == "invoke", let tool = message["tool"]?.stringValue else { continue }
            let arguments = (message["arguments"] ?? [:]).jsonText
            let context = (message["context"] ?? [:]).jsonText
            let result = library.invoke(call: scope.pointer, tool: tool, arguments: arguments, context: context)
            channel.send(["type": "result", "result": result.map(JSONValue.string) ?? .null])
        }
        exit(0)
    }
}
