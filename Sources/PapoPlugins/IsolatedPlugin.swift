import Foundation
import PapoCore
import PapoPluginABI
import Synchronization

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A plugin served by a child process; a crash or a hang costs the call, not the engine.
///
/// Calls are serialised (the child runs one at a time). A dead or killed child is replaced on
/// the next call.
final class IsolatedPlugin: PluginBackend {
    private final class Child {
        let pid: pid_t
        let channel: LineChannel

        init(pid: pid_t, channel: LineChannel) {
            self.pid = pid
            self.channel = channel
        }

        func kill() {
            _ = Glibc.kill(pid, SIGKILL)
            var status: Int32 = 0
            _ = waitpid(pid, &status, 0)
            close(channel.fd)
        }
    }

    let path: String
    private let command: ChildProcessCommand
    private let pool: PluginThreadPool
    private let child = Mutex<Child?>(nil)

    init(path: String, command: ChildProcessCommand, pool: PluginThreadPool) {
        self.path = path
        self.command = command
        self.pool = pool
    }

    /// Starts the child and returns the manifest text it reports.
    func start() throws(PluginLoadError) -> String {
        let result: Result<String, PluginLoadError> = child.withLock { child in
            do throws(PluginLoadError) {
                let (started, manifest) = try spawn()
                child = started
                return .success(manifest)
            } catch { return .failure(error) }
        }
        return try result.get()
    }

    func invoke(
        tool: String, arguments: String, context: String, services: StorageScope, timeout: Duration
    ) async -> BackendOutcome {
        // The pool's own timeout is a backstop only: the deadline below kills the child first.
        let outcome = await pool.run(timeout: timeout + .seconds(15)) { [self] in
            call(tool: tool, arguments: arguments, context: context, services: services, timeout: timeout)
        }
        return outcome ?? .timedOut
    }

    func shutdown() {
        child.withLock { child in
            child?.kill()
            child = nil
        }
    }

    private func call(
        tool: String, arguments: String, context: String, services: StorageScope, timeout: Duration
    ) -> BackendOutcome {
        child.withLock { child -> BackendOutcome in
            if child == nil {
                do { child = try spawn().0 } catch { return .crashed("the plugin process could not start: \(error)") }
            }
            guard let running = child else { return .crashed("no plugin process") }
            let deadline = ContinuousClock.now + timeout
            let request: JSONValue = [
                "type": "invoke", "tool": .string(tool),
                "arguments": (try? JSONValue(parsing: arguments)) ?? [:],
                "context": (try? JSONValue(parsing: context)) ?? [:],
            ]
            guard running.channel.send(request) else {
                running.kill()
                child = nil
                return .crashed("the plugin process is gone")
            }
            while true {
                switch running.channel.receive(until: deadline) {
                case .timedOut:
                    running.kill()
                    child = nil
                    return .timedOut
                case .closed:
                    running.kill()
                    child = nil
                    return .crashed("the plugin process died during the call")
                case .message(let message):
                    switch message["type"]?.stringValue {
                    case "result": return .returned(message["result"]?.stringValue)
                    case "log":
                        services.log(
                            level: Int32(message["level"]?.intValue ?? 1),
                            message: message["message"]?.stringValue ?? "")
                    case "kv": running.channel.send(Self.answer(message, services: services))
                    default: break
                    }
                }
            }
        }
    }

    private static func answer(_ request: JSONValue, services: StorageScope) -> JSONValue {
        let key = request["key"]?.stringValue ?? ""
        let validKey = (1...HostServices.maximumKeyBytes).contains(key.utf8.count)
        func reply(_ status: papo_status, _ extra: [String: JSONValue] = [:]) -> JSONValue {
            .object(extra.merging(["type": "kv_reply", "status": .integer(Int(status.rawValue))]) { $1 })
        }
        switch request["op"]?.stringValue {
        case "get":
            guard validKey else { return reply(PAPO_INVALID) }
            let (status, value) = services.get(key: key)
            return reply(status, value.map { ["value": .string(Data($0).base64EncodedString())] } ?? [:])
        case "put":
            guard validKey, let text = request["value"]?.stringValue, let data = Data(base64Encoded: text),
                data.count <= HostServices.maximumValueBytes
            else { return reply(PAPO_INVALID) }
            return reply(services.put(key: key, value: Array(data)))
        case "delete":
            guard validKey else { return reply(PAPO_INVALID) }
            return reply(services.delete(key: key))
        case "list":
            let (status, keys) = services.list(prefix: request["prefix"]?.stringValue ?? "")
            return reply(status, ["keys": .array(keys.map(JSONValue.string))])
        default:
            return reply(PAPO_INVALID)
        }
    }

    private func spawn() throws(PluginLoadError) -> (Child, String) {
        var fds: [Int32] = [0, 0]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &fds) == 0 else {
            throw .isolation("socketpair failed: errno \(errno)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // dup2 clears close-on-exec on the copies, so only stdin/stdout reach the child.
        posix_spawn_file_actions_adddup2(&actions, fds[1], 0)
        posix_spawn_file_actions_adddup2(&actions, fds[1], 1)
        let argv = [command.executable] + command.arguments + [path]
        var cArguments = argv.map { strdup($0) } + [nil]
        defer { for pointer in cArguments { free(pointer) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, command.executable, &actions, nil, &cArguments, environ)
        close(fds[1])
        guard spawned == 0 else {
            close(fds[0])
            throw .isolation("cannot run \(command.executable): errno \(spawned)")
        }
        let child = Child(pid: pid, channel: LineChannel(fd: fds[0]))
        switch child.channel.receive(until: .now + .seconds(30)) {
        case .message(let message) where message["type"] == "ready":
            return (child, message["manifest"]?.stringValue ?? "")
        case .message(let message) where message["type"] == "failed":
            child.kill()
            throw .isolation(message["reason"]?.stringValue ?? "the child could not load the plugin")
        default:
            child.kill()
            throw .isolation("the child did not report ready")
        }
    }
}
