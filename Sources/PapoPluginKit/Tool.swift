import Foundation

/// One tool: a `Decodable` arguments type, the parameters that describe it, and a function.
///
/// ```swift
/// Tool("property_details", "Detalhes de um imóvel pelo código",
///      parameters: [.string("code", "Código do imóvel, ex. AP-1001", required: true)]) {
///     (arguments: DetailsArguments, context: ToolContext) in
///     try catalog.details(code: arguments.code)
/// }
/// ```
/// Throw ``ToolError`` for a failure the model should read; the host already validated the
/// arguments against the schema, so decoding only fails when the two disagree.
public struct Tool: Sendable {
    /// The tool name (`[a-zA-Z0-9_-]`, unique across all plugins).
    public let name: String
    /// What the model reads to decide to call it.
    public let description: String
    /// The host-enforced timeout, when the default does not fit.
    public let timeout: Duration?
    /// The arguments, as declared.
    public let parameters: [Parameter]
    let run: @Sendable (Data, ToolContext) -> Data

    /// Declares a tool whose function decodes `Arguments` and returns an `Encodable` result.
    public init<Arguments: Decodable & Sendable, Output: Encodable & Sendable>(
        _ name: String, _ description: String, timeout: Duration? = nil, parameters: [Parameter],
        run: @escaping @Sendable (Arguments, ToolContext) throws -> Output
    ) {
        self.name = name
        self.description = description
        self.timeout = timeout
        self.parameters = parameters
        self.run = { arguments, context in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            do {
                let decoded = try JSONDecoder().decode(Arguments.self, from: arguments)
                return try encoder.encode(run(decoded, context))
            } catch let error as ToolError {
                return (try? encoder.encode(["error": error.message])) ?? Data()
            } catch let error as DecodingError {
                return (try? encoder.encode(["error": "invalid arguments: \(Self.describe(error))"])) ?? Data()
            } catch {
                return (try? encoder.encode(["error": "\(name) failed: \(error)"])) ?? Data()
            }
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "missing \(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            (context.codingPath.map(\.stringValue).joined(separator: ".") + " " + context.debugDescription)
        @unknown default: "\(error)"
        }
    }
}

/// A failure the model should read, returned as `{"error": message}`.
public struct ToolError: Error, Sendable, CustomStringConvertible {
    /// The message, in the language the agent speaks.
    public var message: String

    /// Creates an error with `message`.
    public init(_ message: String) { self.message = message }

    public var description: String { message }
}

/// A plugin: its identity and its tools.
public struct Plugin: Sendable {
    /// The plugin name (`[a-z0-9-]`).
    public let name: String
    /// The plugin version.
    public let version: String
    /// A sentence about the plugin.
    public let description: String
    /// The tools.
    public let tools: [Tool]

    /// Creates a plugin.
    public init(name: String, version: String, description: String, tools: [Tool]) {
        self.name = name
        self.version = version
        self.description = description
        self.tools = tools
    }

    /// The manifest JSON of `papo_plugin.manifest_json`.
    func manifestJSON() -> String {
        let tools: [SchemaJSON] = tools.map { tool in
            var entry: [String: SchemaJSON] = [
                "name": .string(tool.name), "description": .string(tool.description),
                "parameters": Parameter.objectSchema(tool.parameters),
            ]
            if let timeout = tool.timeout {
                let (seconds, attoseconds) = timeout.components
                entry["timeout_ms"] = .integer(Int(seconds * 1000 + attoseconds / 1_000_000_000_000_000))
            }
            return .object(entry)
        }
        let manifest: SchemaJSON = [
            "name": .string(name), "version": .string(version), "description": .string(description),
            "tools": .array(tools),
        ]
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? encoder.encode(manifest)) ?? Data(), as: UTF8.self)
    }
}
