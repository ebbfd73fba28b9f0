public import PapoYAML

extension AgentTemplate {
    /// A tool the agent may call, with its per-agent configuration.
    ///
    /// Written either as a bare name (`- business_hours`) or as a mapping
    /// (`- tool: search_properties` + `config: {...}`). `config` is free-form: its
    /// shape belongs to the plugin, which receives it as JSON (`YAMLValue.jsonData()`).
    public struct Capability: Codable, Sendable, Equatable {
        /// The tool name as the plugin's manifest declares it.
        public var tool: String
        /// Plugin-specific settings, passed through untouched; `nil` when absent.
        public var config: YAMLValue?

        /// Creates a capability.
        public init(tool: String, config: YAMLValue? = nil) {
            self.tool = tool
            self.config = config
        }

        enum CodingKeys: String, CodingKey {
            case tool, config
        }

        public init(from decoder: any Decoder) throws {
            // The shorthand is tried first; on a mapping it fails without side effects.
            if let name = try? decoder.singleValueContainer().decode(String.self) {
                self.init(tool: name)
                return
            }
            let keys = try decoder.container(keyedBy: CodingKeys.self)
            let config = try keys.decodeIfPresent(YAMLValue.self, forKey: .config)
            self.init(
                tool: try keys.decode(String.self, forKey: .tool),
                config: config?.isNull == true ? nil : config)
        }

        public func encode(to encoder: any Encoder) throws {
            var keys = encoder.container(keyedBy: CodingKeys.self)
            try keys.encode(tool, forKey: .tool)
            try keys.encodeIfPresent(config, forKey: .config)
        }
    }

    /// Which inbound messages select this agent for a conversation that has no agent yet.
    /// Keywords match whole words anywhere in the message, ignoring case and accents.
    public struct Triggers: Codable, Sendable, Equatable {
        /// Words or phrases that select the agent.
        public var keywords: [String]
        /// Regular expressions (Swift `Regex` syntax, close to PCRE) tested against the raw text.
        public var regex: [String]
        /// Select the agent for every message (a catch-all agent).
        public var all: Bool

        /// Creates triggers; the default matches nothing, leaving the choice to routing rules.
        public init(keywords: [String] = [], regex: [String] = [], all: Bool = false) {
            self.keywords = keywords
            self.regex = regex
            self.all = all
        }

        public init(from decoder: any Decoder) throws {
            let keys = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                keywords: try keys.value(.keywords, default: []),
                regex: try keys.value(.regex, default: []),
                all: try keys.value(.all, default: false))
        }
    }

    /// Moving the conversation from the bot to a human operator.
    public struct Handoff: Codable, Sendable, Equatable {
        /// The name of the built-in tool that lets the model request a handoff.
        public static let toolName = "handoff_to_human"
        /// The customer-facing message used when a template gives none.
        public static let defaultMessage = """
            Certo! Vou passar sua conversa para uma pessoa da nossa equipe. \
            Em instantes alguém continua o atendimento por aqui.
            """

        /// Words or phrases that hand off at once, before the model runs (whole words,
        /// ignoring case and accents), e.g. "atendente", "falar com humano".
        public var keywords: [String]
        /// Sent to the customer when the conversation moves to a human.
        public var message: String
        /// Pause the bot when an operator writes from the business number, so the bot
        /// never talks over a human (Evolution's `stopBotFromMe`).
        public var pauseOnOperatorReply: Bool
        /// Offer the model the built-in `handoff_to_human` tool, so it can escalate on its own judgement.
        public var tool: Bool

        /// Creates handoff rules.
        public init(
            keywords: [String] = [], message: String = Handoff.defaultMessage,
            pauseOnOperatorReply: Bool = true, tool: Bool = true
        ) {
            self.keywords = keywords
            self.message = message
            self.pauseOnOperatorReply = pauseOnOperatorReply
            self.tool = tool
        }

        enum CodingKeys: String, CodingKey {
            case keywords, message, tool
            case pauseOnOperatorReply = "pause_on_operator_reply"
        }

        public init(from decoder: any Decoder) throws {
            let keys = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                keywords: try keys.value(.keywords, default: []),
                message: try keys.value(.message, default: Self.defaultMessage),
                pauseOnOperatorReply: try keys.value(.pauseOnOperatorReply, default: true),
                tool: try keys.value(.tool, default: true))
        }
    }

    /// Messages that close the conversation.
    ///
    /// Unlike handoff keywords, a finish keyword must be the whole message (ignoring
    /// case, accents and punctuation): "sair" closes, "quero sair do aluguel" does not.
    public struct Finish: Codable, Sendable, Equatable {
        /// Whole messages that close the conversation, e.g. "encerrar", "tchau".
        public var keywords: [String]
        /// Sent to the customer on closing; `nil` closes silently.
        public var message: String?

        /// Creates finish rules.
        public init(keywords: [String] = [], message: String? = nil) {
            self.keywords = keywords
            self.message = message
        }

        public init(from decoder: any Decoder) throws {
            let keys = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                keywords: try keys.value(.keywords, default: []),
                message: try keys.decodeIfPresent(String.self, forKey: .message))
        }
    }
}
