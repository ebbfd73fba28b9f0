/// Where plugins live and how to run them (`PAPO_PLUGINS_DIR` and the `plugins:` settings).
public struct PluginHostConfiguration: Sendable, Hashable {
    /// Folders scanned (not recursively) for `*.so`, in order.
    public var directories: [String]
    /// Extra library files, loaded after the folders.
    public var files: [String]
    /// Plugins that run in a child process. An entry matches the manifest name
    /// (`real-estate`) or the library file's stem (`PapoPluginRealEstate` for
    /// `libPapoPluginRealEstate.so`); naming the file keeps the library out of the engine
    /// entirely, while a manifest name needs one in-process load to read the manifest.
    public var isolated: Set<String>
    /// The timeout of a tool whose manifest declares none.
    public var defaultTimeout: Duration
    /// Per-tool timeouts that override the manifest, by tool name.
    public var timeouts: [String: Duration]
    /// Threads for plugin calls (isolated calls use them too, while they wait for the child).
    public var threads: Int
    /// How to start an isolated plugin's child process.
    public var childProcess: ChildProcessCommand

    /// Creates a configuration.
    public init(
        directories: [String] = [], files: [String] = [], isolated: Set<String> = [],
        defaultTimeout: Duration = .seconds(10), timeouts: [String: Duration] = [:], threads: Int = 8,
        childProcess: ChildProcessCommand = .currentExecutable
    ) {
        self.directories = directories
        self.files = files
        self.isolated = isolated
        self.defaultTimeout = defaultTimeout
        self.timeouts = timeouts
        self.threads = threads
        self.childProcess = childProcess
    }
}
