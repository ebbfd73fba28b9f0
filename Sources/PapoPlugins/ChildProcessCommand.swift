/// How the host starts the child process of an isolated plugin.
///
/// The child runs ``PluginChildProcess/main(path:)``; the library path is appended to
/// `arguments`. In the engine that is `papo plugin-host <path>` on the engine's own binary.
public struct ChildProcessCommand: Sendable, Hashable {
    /// The executable's absolute path.
    public var executable: String
    /// Arguments before the library path (for example `["plugin-host"]`).
    public var arguments: [String]

    /// Creates a command.
    public init(executable: String, arguments: [String] = []) {
        self.executable = executable
        self.arguments = arguments
    }

    /// This very binary with `plugin-host`: what `papo serve` uses.
    public static var currentExecutable: ChildProcessCommand {
        ChildProcessCommand(executable: "/proc/self/exe", arguments: ["plugin-host"])
    }
}
