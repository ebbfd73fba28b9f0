public import PapoCore

/// The outcome of a tool call, in the shape the LLM tool loop feeds back to the model.
///
/// A plugin fault (crash, hang, bad arguments, non-JSON output) is an error result, never a
/// thrown error: the model reads `{"error": "..."}` and can recover or apologise.
public struct ToolResult: Sendable, Hashable {
    /// Why a call failed, for metrics and logs; the model reads ``content``.
    public enum Failure: String, Sendable, Hashable {
        /// The tool reported an error (an `"error"` member in its result).
        case toolError = "tool_error"
        /// No tool has that name.
        case unknownTool = "unknown_tool"
        /// The arguments did not match the tool's schema.
        case invalidArguments = "invalid_arguments"
        /// The call overran its timeout.
        case timeout
        /// The plugin crashed (isolated) or returned nothing.
        case pluginFailure = "plugin_failure"
        /// The plugin's output was not JSON.
        case invalidResult = "invalid_result"
    }

    /// The JSON the model reads: the tool's result, or `{"error": "..."}`.
    public var content: JSONValue
    /// Set when the call failed.
    public var failure: Failure?

    /// Whether the call failed.
    public var isError: Bool { failure != nil }

    /// ``content`` as compact JSON text, for the `tool` message of the chat request.
    public var text: String { content.jsonText }

    /// The error message when the call failed.
    public var errorMessage: String? {
        guard isError else { return nil }
        return content["error"]?.stringValue ?? content["error"]?["message"]?.stringValue ?? content.jsonText
    }

    /// A successful result.
    public static func success(_ content: JSONValue) -> ToolResult {
        ToolResult(content: content, failure: nil)
    }

    /// A failed call with a message the model can read.
    public static func failure(_ failure: Failure, _ message: String) -> ToolResult {
        ToolResult(content: ["error": .string(message)], failure: failure)
    }
}
