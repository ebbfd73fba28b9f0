import Logging
import PapoCore

/// Turns library files into registered tools, recording why any file was skipped.
struct PluginLoader {
    struct Registration {
        let tool: PluginTool
        let validator: JSONSchemaValidator
        let backend: any PluginBackend
    }

    let configuration: PluginHostConfiguration
    let pool: PluginThreadPool
    let logger: Logger
    private(set) var plugins: [PluginInfo] = []
    private(set) var registered: [Registration] = []
    private(set) var backends: [any PluginBackend] = []

    init(configuration: PluginHostConfiguration, pool: PluginThreadPool, logger: Logger) {
        self.configuration = configuration
        self.pool = pool
        self.logger = logger
    }

    mutating func load(path: String) {
        let file = path.split(separator: "/").last.map(String.init) ?? path
        let stem = String(file.dropFirst(file.hasPrefix("lib") ? 3 : 0).prefix { $0 != "." })
        var isolated = configuration.isolated.contains(stem)
        do throws(PluginLoadError) {
            var backend: any PluginBackend
            let manifestText: String
            if isolated {
                let child = IsolatedPlugin(path: path, command: configuration.childProcess, pool: pool)
                manifestText = try child.start()
                backend = child
            } else {
                let library = try PluginLibrary.open(path: path, host: HostServices.table)
                manifestText = library.manifestText
                backend = InProcessBackend(library: library, pool: pool)
            }
            let manifest = try PluginManifest(parsing: manifestText)
            if !isolated && configuration.isolated.contains(manifest.name) {
                // Isolated by manifest name: the library is loaded here, but calls go to a child.
                let child = IsolatedPlugin(path: path, command: configuration.childProcess, pool: pool)
                _ = try child.start()
                backend = child
                isolated = true
            }
            try register(manifest, path: path, backend: backend, isolated: isolated)
        } catch {
            logger.error("plugin skipped", metadata: ["path": "\(path)", "reason": "\(error.description)"])
            plugins.append(
                PluginInfo(
                    name: stem, version: "", description: "", path: path, tools: [], isolated: isolated,
                    state: .failed(error.description)))
        }
    }

    private mutating func register(
        _ manifest: PluginManifest, path: String, backend: any PluginBackend, isolated: Bool
    ) throws(PluginLoadError) {
        if let other = plugins.first(where: { $0.name == manifest.name && $0.state == .loaded }) {
            backend.shutdown()
            throw .duplicate("plugin name \(manifest.name) is already used by \(other.path)")
        }
        for tool in manifest.tools {
            if let other = registered.first(where: { $0.tool.name == tool.name }) {
                backend.shutdown()
                throw .duplicate("tool \(tool.name) is already provided by plugin \(other.tool.plugin)")
            }
        }
        for tool in manifest.tools {
            let timeout = configuration.timeouts[tool.name] ?? tool.timeout ?? configuration.defaultTimeout
            // The manifest parser already proved the schema usable.
            let validator = try! JSONSchemaValidator(schema: tool.parameters)
            registered.append(
                Registration(
                    tool: PluginTool(
                        name: tool.name, description: tool.description, parameters: tool.parameters,
                        timeout: timeout, plugin: manifest.name),
                    validator: validator, backend: backend))
        }
        backends.append(backend)
        plugins.append(
            PluginInfo(
                name: manifest.name, version: manifest.version, description: manifest.description, path: path,
                tools: manifest.tools.map(\.name), isolated: isolated, state: .loaded))
        logger.info(
            "plugin loaded",
            metadata: [
                "plugin": "\(manifest.name)", "version": "\(manifest.version)", "isolated": "\(isolated)",
            ])
    }
}
