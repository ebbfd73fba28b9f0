public import Foundation
public import Logging
import PapoCore
public import PapoLLM
public import PapoPlugins
public import PapoStore
import PapoYAML

/// The model ↔ tool conversation of one turn.
///
/// The agent's capabilities that a loaded plugin (or a built-in, see ``BuiltInTools``)
/// provides become `tools`, plus the built-in `handoff_to_human` tool when the template
/// offers it. Each round sends the conversation, runs the
/// tool calls the model made (the plugin host validates arguments against the tool's schema
/// and applies its timeout) and feeds every result back, errors included: a failing tool is
/// something the model can explain or work around, not a reason to fail the turn. After
/// `max_tool_rounds` the model is asked once more with `tool_choice: none` for a final answer.
public struct ToolLoop: Sendable {
    /// How a loop ended.
    public struct Result: Sendable, Equatable {
        /// The model's final text; `nil` when it gave none.
        public var text: String?
        /// Set when the model called `handoff_to_human`; the reason it gave, possibly empty.
        public var handoffReason: String?
        /// One record per model call.
        public var usage: [UsageRecord]
        /// Tool calls made, in order, by name.
        public var toolCalls: [String]
        /// The calls with their results, to be stored with the turn.
        public var records: [ToolCallRecord] = []
    }

    /// A model call failed for good; `usage` holds the calls made before it.
    public struct Failure: Error, Sendable {
        public var error: LLMError
        public var usage: [UsageRecord]
    }

    let client: any LLMClient
    let plugins: PluginHost?
    let logger: Logger

    /// Creates a loop over a model client and, optionally, the plugin host.
    public init(client: any LLMClient, plugins: PluginHost?, logger: Logger) {
        self.client = client
        self.plugins = plugins
        self.logger = logger
    }

    /// The tool definitions offered for `template`: declared capabilities that a loaded plugin
    /// provides (a missing plugin must not make the model call a tool that cannot run).
    public func tools(for template: AgentTemplate) -> [ToolDefinition] {
        var tools: [ToolDefinition] = template.capabilities.compactMap { capability in
            if let builtIn = BuiltInTools.definition(named: capability.tool) { return builtIn }
            guard let tool = plugins?.tool(named: capability.tool) else { return nil }
            return ToolDefinition(name: tool.name, description: tool.description, parameters: tool.parameters)
        }
        if template.handoff.tool {
            tools.append(
                ToolDefinition(
                    name: AgentTemplate.Handoff.toolName,
                    description:
                        "Transfere a conversa para um atendente humano. Use quando o cliente pedir uma pessoa "
                        + "ou quando você não puder ajudar.",
                    parameters: [
                        "type": "object",
                        "properties": ["reason": ["type": "string", "description": "Motivo, em uma frase."]],
                    ]))
        }
        return tools
    }

    /// Runs the loop from `messages` (system prompt and history).
    ///
    /// - Parameter context: who the calls are for; each tool gets it with its own `config`.
    /// - Parameter timeZone: the tenant's, for built-in tools that tell the time.
    public func run(
        messages initial: [ChatMessage], template: AgentTemplate, context: PluginCallContext, user: String?,
        timeZone: TimeZone = BuiltInTools.defaultTimeZone
    ) async throws -> Result {
        let tools = tools(for: template)
        var messages = initial
        var result = Result(text: nil, handoffReason: nil, usage: [], toolCalls: [])
        var round = 0
        while true {
            let lastRound = round >= template.limits.maxToolRounds
            let request = LLMRequest(
                messages: messages, tools: tools,
                toolChoice: tools.isEmpty ? nil : (lastRound ? ToolChoice.none : .auto),
                temperature: template.model.temperature, maxTokens: template.model.maxTokens, user: user,
                model: template.model.name)
            let completion: LLMCompletion
            do {
                completion = try await client.complete(request)
            } catch let error as LLMError {
                throw Failure(error: error, usage: result.usage)
            }
            result.usage.append(Self.usage(of: completion))
            guard !completion.toolCalls.isEmpty, !lastRound else {
                result.text = completion.content
                return result
            }
            round += 1
            messages.append(completion.message)
            for call in completion.toolCalls {
                result.toolCalls.append(call.name)
                var record = ToolCallRecord(
                    round: round, assistantText: completion.content, callID: call.id, name: call.name,
                    arguments: call.arguments, result: "")
                if call.name == AgentTemplate.Handoff.toolName, template.handoff.tool {
                    let arguments = try? call.parsedArguments()
                    result.handoffReason = arguments?["reason"]?.stringValue ?? ""
                    result.text = completion.content
                    record.result = #"{"handed_off":true}"#
                    result.records.append(record)
                    return result
                }
                let output: ToolResult
                if BuiltInTools.definition(named: call.name) != nil, template.capability(call.name) != nil {
                    output = BuiltInTools.invoke(call, timeZone: timeZone, locale: template.language)
                } else {
                    output = await invoke(call, template: template, context: context)
                }
                record.result = output.text
                record.isError = output.errorMessage != nil
                result.records.append(record)
                messages.append(.tool(callID: call.id, content: output.text))
            }
        }
    }

    private func invoke(_ call: ToolCall, template: AgentTemplate, context: PluginCallContext) async -> ToolResult {
        guard let capability = template.capability(call.name), let plugins else {
            return .failure(.unknownTool, "there is no tool named \(call.name)")
        }
        var scoped = context
        scoped.config = Self.json(capability.config)
        let output = await plugins.invoke(tool: call.name, argumentsText: call.arguments, context: scoped)
        if let message = output.errorMessage {
            logger.info("tool call failed", metadata: ["tool": "\(call.name)", "error": "\(message)"])
        }
        return output
    }

    /// A capability's YAML `config` as JSON; absent or unconvertible config is an empty object.
    static func json(_ config: YAMLValue?) -> JSONValue {
        guard let config, let text = try? config.jsonString(), let value = try? JSONValue(parsing: text) else {
            return [:]
        }
        return value
    }

    static func usage(of completion: LLMCompletion) -> UsageRecord {
        UsageRecord(
            model: completion.model, promptTokens: completion.usage?.promptTokens ?? 0,
            completionTokens: completion.usage?.completionTokens ?? 0, totalTokens: completion.usage?.totalTokens,
            latencyMilliseconds: Int(completion.totalDuration.components.seconds * 1000)
                + Int(completion.totalDuration.components.attoseconds / 1_000_000_000_000_000),
            cost: completion.cost ?? 0)
    }
}
