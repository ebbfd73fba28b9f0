import Foundation
public import Logging
public import PapoCore

/// Loads capability plugins and runs their tools.
///
/// Loading happens once, in `init`: every `*.so` in the configured folders is opened, its ABI
/// and manifest checked; a bad one is listed in ``plugins`` as failed, with the reason, and
/// the others load. Calls run on dedicated threads with a timeout, after the arguments pass
/// the tool's schema; a plugin fault always comes back as an error ``ToolResult``.
public final class PluginHost: Sendable {
    private struct Registered: Sendable {
        let tool: PluginTool
        let validator: JSONSchemaValidator
        let backend: any PluginBackend
    }

    /// Every plugin file found, loaded or failed, in load order.
    public let plugins: [PluginInfo]
    /// Every registered tool, in load order.
    public let tools: [PluginTool]

    private let registry: [String: Registered]
    private let backends: [any PluginBackend]
    private let storage: any PluginStorage
    private let logger: Logger

    /// Discovers and loads the plugins; never throws (failures are in ``plugins``).
    public init(configuration: PluginHostConfiguration, storage: any PluginStorage, logger: Logger) {
        self.storage = storage
        self.logger = logger
        let pool = PluginThreadPool(size: configuration.threads)
        var loader = PluginLoader(configuration: configuration, pool: pool, logger: logger)
        for path in Self.discover(configuration) { loader.load(path: path) }
        plugins = loader.plugins
        tools = loader.registered.map(\.tool)
        backends = loader.backends
        registry = Dictionary(
            loader.registered.map {
                ($0.tool.name, Registered(tool: $0.tool, validator: $0.validator, backend: $0.backend))
            }, uniquingKeysWith: { first, _ in first })
    }

    /// The tool called `name`, if a loaded plugin provides it.
    public func tool(named name: String) -> PluginTool? { registry[name]?.tool }

    /// Runs `tool` with arguments as the model sent them (JSON text).
    public func invoke(tool: String, argumentsText: String, context: PluginCallContext) async -> ToolResult {
        let text = argumentsText.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let arguments = try? JSONValue(parsing: text.isEmpty ? "{}" : text) else {
            return .failure(.invalidArguments, "the arguments of \(tool) are not valid JSON")
        }
        return await invoke(tool: tool, arguments: arguments, context: context)
    }

    /// Runs `tool`: validates the arguments, calls the plugin with its timeout, checks the result.
    public func invoke(tool name: String, arguments: JSONValue, context: PluginCallContext) async -> ToolResult {
        guard let entry = registry[name] else {
            return .failure(.unknownTool, "there is no tool named \(name)")
        }
        let problems = entry.validator.problems(in: arguments)
        guard problems.isEmpty else {
            return .failure(.invalidArguments, "invalid arguments for \(name): " + problems.joined(separator: "; "))
        }
        let services = StorageScope(
            tenant: context.tenantId, plugin: entry.tool.plugin, tool: name, storage: storage, logger: logger)
        let outcome = await entry.backend.invoke(
            tool: name, arguments: arguments.jsonText, context: context.json.jsonText, services: services,
            timeout: entry.tool.timeout)
        switch outcome {
        case .timedOut:
            logger.warning("plugin call timed out", metadata: ["tool": "\(name)", "plugin": "\(entry.tool.plugin)"])
            return .failure(.timeout, "\(name) did not answer within \(entry.tool.timeout); try again later")
        case .crashed(let reason):
            logger.error("plugin crashed", metadata: ["tool": "\(name)", "reason": "\(reason)"])
            return .failure(.pluginFailure, "\(name) failed: \(reason)")
        case .returned(nil):
            return .failure(.pluginFailure, "\(name) returned no result")
        case .returned(let text?):
            guard let content = try? JSONValue(parsing: text) else {
                logger.error("plugin returned non-JSON", metadata: ["tool": "\(name)"])
                return .failure(.invalidResult, "\(name) returned a result that is not JSON")
            }
            if content["error"] != nil { return ToolResult(content: content, failure: .toolError) }
            return .success(content)
        }
    }

    /// Stops isolated plugins' child processes (in-process plugins stay loaded: never unloaded).
    public func shutdown() {
        for backend in backends { backend.shutdown() }
    }

    private static func discover(_ configuration: PluginHostConfiguration) -> [String] {
        var paths: [String] = []
        for directory in configuration.directories {
            let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
            paths += names.filter { $0.hasSuffix(".so") }.sorted().map { directory + "/" + $0 }
        }
        return paths + configuration.files
    }
}
