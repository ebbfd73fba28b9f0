extension AgentTemplate {
    /// LLM settings. Omitted values fall back to conservative defaults; an omitted
    /// model name means "the tenant's default model" (`PAPO_LLM_MODEL` or tenant settings).
    public struct Model: Codable, Sendable, Equatable {
        /// Model name at the OpenAI-compatible endpoint; `nil` selects the tenant default.
        public var name: String?
        /// Sampling temperature, 0…2. Low by default: agents quote facts from tools.
        public var temperature: Double
        /// Upper bound on generated tokens per model call. WhatsApp answers are short.
        public var maxTokens: Int
        /// Nucleus sampling, in (0, 1].
        public var topP: Double

        /// Creates model settings.
        public init(name: String? = nil, temperature: Double = 0.3, maxTokens: Int = 800, topP: Double = 1) {
            self.name = name
            self.temperature = temperature
            self.maxTokens = maxTokens
            self.topP = topP
        }

        enum CodingKeys: String, CodingKey {
            case name, temperature
            case maxTokens = "max_tokens"
            case topP = "top_p"
        }

        public init(from decoder: any Decoder) throws {
            let keys = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Model()
            self.init(
                name: try keys.decodeIfPresent(String.self, forKey: .name),
                temperature: try keys.value(.temperature, default: defaults.temperature),
                maxTokens: try keys.value(.maxTokens, default: defaults.maxTokens),
                topP: try keys.value(.topP, default: defaults.topP))
        }
    }

    /// The system prompt. `{{name}}` placeholders are filled by `PromptRenderer`
    /// from `PromptVariables`; only the names in `PromptVariables.known` and
    /// `business.*` are accepted by validation.
    public struct Prompt: Codable, Sendable, Equatable {
        /// The system message, with `{{variables}}`.
        public var system: String

        /// Creates a prompt.
        public init(system: String) {
            self.system = system
        }
    }

    /// Budgets for what the model sees, and when a quiet conversation starts over.
    public struct Context: Codable, Sendable, Equatable {
        /// Newest messages sent to the model at most (tool calls and results count).
        public var maxMessages: Int
        /// Token budget for history (summary included), excluding the system prompt.
        public var maxTokens: Int
        /// Rolling summary of turns that no longer fit the budgets.
        public var summary: Summary
        /// A conversation with no message for this long starts fresh (memory and state reset).
        public var idleExpiry: TemplateDuration

        /// Creates context budgets.
        public init(
            maxMessages: Int = 30, maxTokens: Int = 6000, summary: Summary = Summary(),
            idleExpiry: TemplateDuration = .hours(24)
        ) {
            self.maxMessages = maxMessages
            self.maxTokens = maxTokens
            self.summary = summary
            self.idleExpiry = idleExpiry
        }

        enum CodingKeys: String, CodingKey {
            case summary
            case maxMessages = "max_messages"
            case maxTokens = "max_tokens"
            case idleExpiry = "idle_expiry"
        }

        public init(from decoder: any Decoder) throws {
            let keys = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Context()
            self.init(
                maxMessages: try keys.value(.maxMessages, default: defaults.maxMessages),
                maxTokens: try keys.value(.maxTokens, default: defaults.maxTokens),
                summary: try keys.value(.summary, default: defaults.summary),
                idleExpiry: try keys.value(.idleExpiry, default: defaults.idleExpiry))
        }
    }

    /// Whether older turns fold into a rolling summary, and the instruction used to write it.
    public struct Summary: Codable, Sendable, Equatable {
        /// When off, turns beyond the budgets are simply dropped.
        public var enabled: Bool
        /// Instruction given to the model when it summarises older turns.
        public var prompt: String

        /// The summary instruction used when a template gives none (Portuguese, the default language).
        public static let defaultPrompt = """
            Resuma a conversa até aqui em no máximo 8 tópicos curtos, para que o atendimento \
            continue sem perder o fio: o que o cliente quer, os dados que ele já informou (e se \
            autorizou guardá-los), as opções apresentadas, o que foi combinado e o que ficou \
            pendente. Use apenas o que está na conversa; não invente nada.
            """

        /// Creates summary settings.
        public init(enabled: Bool = true, prompt: String = Summary.defaultPrompt) {
            self.enabled = enabled
            self.prompt = prompt
        }

        public init(from decoder: any Decoder) throws {
            let keys = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                enabled: try keys.value(.enabled, default: true),
                prompt: try keys.value(.prompt, default: Self.defaultPrompt))
        }
    }

    /// Safety limits for one turn, so a confused model cannot loop on tools forever.
    public struct Limits: Codable, Sendable, Equatable {
        /// Model ↔ tool round trips allowed per turn before the turn is answered as is.
        public var maxToolRounds: Int
        /// Wall-clock budget for a whole turn (model calls and tools).
        public var turnTimeout: TemplateDuration

        /// Creates limits.
        public init(maxToolRounds: Int = 5, turnTimeout: TemplateDuration = .seconds(60)) {
            self.maxToolRounds = maxToolRounds
            self.turnTimeout = turnTimeout
        }

        enum CodingKeys: String, CodingKey {
            case maxToolRounds = "max_tool_rounds"
            case turnTimeout = "turn_timeout"
        }

        public init(from decoder: any Decoder) throws {
            let keys = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = Limits()
            self.init(
                maxToolRounds: try keys.value(.maxToolRounds, default: defaults.maxToolRounds),
                turnTimeout: try keys.value(.turnTimeout, default: defaults.turnTimeout))
        }
    }
}
