public import PapoCore

/// A plugin's manifest, parsed and checked from its `manifest_json`.
public struct PluginManifest: Sendable, Hashable {
    /// One tool the plugin offers.
    public struct Tool: Sendable, Hashable {
        /// The name the model calls; unique across all plugins.
        public var name: String
        /// What the model reads to decide to call the tool.
        public var description: String
        /// The JSON Schema of the arguments (an object schema).
        public var parameters: JSONValue
        /// The plugin's default timeout, when it declares one.
        public var timeout: Duration?
    }

    /// The plugin name (`[a-z0-9-]`).
    public var name: String
    /// The plugin version, free text (semantic versions recommended).
    public var version: String
    /// A sentence about the plugin.
    public var description: String
    /// The tools, in manifest order.
    public var tools: [Tool]

    /// Parses and checks manifest JSON text; the error says what is wrong.
    public init(parsing text: String) throws(PluginLoadError) {
        let json: JSONValue
        do { json = try JSONValue(parsing: text) } catch {
            throw PluginLoadError.badManifest("the manifest is not JSON")
        }
        guard let name = json["name"]?.stringValue, Self.isPluginName(name) else {
            throw .badManifest("\"name\" must be 1-64 lowercase letters, digits or '-'")
        }
        guard let version = json["version"]?.stringValue, !version.isEmpty else {
            throw .badManifest("\"version\" must be a non-empty string")
        }
        guard let tools = json["tools"]?.arrayValue, !tools.isEmpty else {
            throw .badManifest("\"tools\" must be a non-empty list")
        }
        var parsed: [Tool] = []
        for tool in tools {
            guard let toolName = tool["name"]?.stringValue, Self.isToolName(toolName) else {
                throw .badManifest(
                    "a tool name must be 1-64 letters, digits, '_' or '-', got \(tool["name"]?.jsonText ?? "nothing")")
            }
            guard !parsed.contains(where: { $0.name == toolName }) else {
                throw .badManifest("tool \(toolName) is declared twice")
            }
            guard let description = tool["description"]?.stringValue, !description.isEmpty else {
                throw .badManifest("tool \(toolName) has no \"description\"")
            }
            let schema = tool["parameters"] ?? .null
            do { _ = try JSONSchemaValidator(schema: schema) } catch {
                throw .badManifest("tool \(toolName): \(error.description)")
            }
            var timeout: Duration?
            if let milliseconds = tool["timeout_ms"] {
                guard let value = milliseconds.intValue, (1...600_000).contains(value) else {
                    throw .badManifest("tool \(toolName): \"timeout_ms\" must be 1...600000")
                }
                timeout = .milliseconds(value)
            }
            parsed.append(Tool(name: toolName, description: description, parameters: schema, timeout: timeout))
        }
        self.name = name
        self.version = version
        self.description = json["description"]?.stringValue ?? ""
        self.tools = parsed
    }

    private static func isPluginName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x2D }
    }

    /// The rule OpenAI-compatible endpoints apply to function names.
    private static func isToolName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count)
            && name.utf8.allSatisfy {
                (0x61...0x7A).contains($0) || (0x41...0x5A).contains($0) || (0x30...0x39).contains($0)
                    || $0 == 0x5F || $0 == 0x2D
            }
    }
}
