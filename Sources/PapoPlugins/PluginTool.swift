public import PapoCore

/// A tool as the engine's LLM loop sees it: what goes in the chat request's `tools`.
public struct PluginTool: Sendable, Hashable {
    /// The function name.
    public var name: String
    /// The function description.
    public var description: String
    /// The JSON Schema of the arguments.
    public var parameters: JSONValue
    /// The effective timeout: configuration override, else manifest, else host default.
    public var timeout: Duration
    /// The plugin that provides the tool.
    public var plugin: String
}

/// A plugin file the host found, loaded or not.
public struct PluginInfo: Sendable, Hashable {
    /// Whether the plugin serves calls.
    public enum State: Sendable, Hashable {
        /// Loaded; its tools are registered.
        case loaded
        /// Skipped; the reason is for operators.
        case failed(String)
    }

    /// The manifest name, or the file name when the manifest could not be read.
    public var name: String
    /// The manifest version, empty when unknown.
    public var version: String
    /// The manifest description.
    public var description: String
    /// The library's path.
    public var path: String
    /// The tool names (empty when failed).
    public var tools: [String]
    /// Whether it runs in a child process.
    public var isolated: Bool
    /// Loaded or failed, with the reason.
    public var state: State
}
