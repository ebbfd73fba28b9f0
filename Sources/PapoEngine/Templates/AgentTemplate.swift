/// An AI agent as declared by a YAML file in `agents/`: who it is, which model it
/// uses, what it says (prompt), what it remembers (context budgets), what it can
/// do (capabilities), when it runs (triggers), when it steps aside (handoff and
/// finish), how it replies (debounce, reply style) and what it answers when the
/// model is unavailable (offline answers).
///
/// Keys are snake_case in YAML; everything except `id`, `name` and `prompt.system`
/// has a default, so a minimal template is three keys long. Decoding alone checks
/// shapes and types; `AgentTemplateLoader` adds the semantic rules
/// (`TemplateValidator`) and reports every problem with file, line and column.
///
/// ```yaml
/// id: support
/// name: Suporte
/// prompt:
///   system: Você é o assistente de {{tenant.name}}.
/// ```
public struct AgentTemplate: Codable, Sendable, Equatable {
    /// Stable identifier: a lowercase slug (`real-estate`), unique across the templates folder.
    public var id: String
    /// Display name, also available to the prompt as `{{agent.name}}`.
    public var name: String
    /// What the agent is for, shown to tenant admins choosing a template.
    public var description: String
    /// BCP-47 language tag of the conversation (`pt-BR`); weekday names in the prompt use it.
    public var language: String
    /// LLM settings.
    public var model: Model
    /// The system prompt.
    public var prompt: Prompt
    /// How much history is sent to the model and when a conversation expires.
    public var context: Context
    /// Tools the model may call, each with optional per-agent configuration.
    public var capabilities: [Capability]
    /// Which inbound messages select this agent when none is assigned yet.
    public var triggers: Triggers
    /// When and how the conversation moves to a human operator.
    public var handoff: Handoff
    /// Messages that close the conversation.
    public var finish: Finish
    /// Quiet period after the last inbound message before a turn starts, so a burst
    /// of short messages is answered once. At most 60 seconds.
    public var debounce: TemplateDuration
    /// How replies are cut and paced for WhatsApp.
    public var reply: ReplyStyle
    /// Canned answers used when the model cannot be reached.
    public var offline: OfflineAnswers
    /// Safety limits for one turn.
    public var limits: Limits

    /// The debounce used when a template does not set one: long enough to join a
    /// typical "oi" / "tudo bem?" / "queria saber..." burst, short enough not to feel slow.
    public static let defaultDebounce = TemplateDuration.seconds(3)
    /// The default `language`.
    public static let defaultLanguage = "pt-BR"

    /// Creates a template; only the identity and the prompt are required.
    public init(
        id: String, name: String, description: String = "", language: String = AgentTemplate.defaultLanguage,
        model: Model = Model(), prompt: Prompt, context: Context = Context(), capabilities: [Capability] = [],
        triggers: Triggers = Triggers(), handoff: Handoff = Handoff(), finish: Finish = Finish(),
        debounce: TemplateDuration = AgentTemplate.defaultDebounce, reply: ReplyStyle = ReplyStyle(),
        offline: OfflineAnswers = OfflineAnswers(), limits: Limits = Limits()
    ) {
        self.id = id
        self.name = name
        self.description = description
        self.language = language
        self.model = model
        self.prompt = prompt
        self.context = context
        self.capabilities = capabilities
        self.triggers = triggers
        self.handoff = handoff
        self.finish = finish
        self.debounce = debounce
        self.reply = reply
        self.offline = offline
        self.limits = limits
    }

    enum CodingKeys: String, CodingKey {
        case id, name, description, language, model, prompt, context, capabilities
        case triggers, handoff, finish, debounce, reply, offline, limits
    }

    public init(from decoder: any Decoder) throws {
        let keys = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            id: try keys.decode(String.self, forKey: .id),
            name: try keys.decode(String.self, forKey: .name),
            description: try keys.value(.description, default: ""),
            language: try keys.value(.language, default: Self.defaultLanguage),
            model: try keys.value(.model, default: Model()),
            prompt: try keys.decode(Prompt.self, forKey: .prompt),
            context: try keys.value(.context, default: Context()),
            capabilities: try keys.value(.capabilities, default: []),
            triggers: try keys.value(.triggers, default: Triggers()),
            handoff: try keys.value(.handoff, default: Handoff()),
            finish: try keys.value(.finish, default: Finish()),
            debounce: try keys.value(.debounce, default: Self.defaultDebounce),
            reply: try keys.value(.reply, default: ReplyStyle()),
            offline: try keys.value(.offline, default: OfflineAnswers()),
            limits: try keys.value(.limits, default: Limits()))
    }

    /// The tool names the model is offered: the capabilities in declaration order,
    /// plus the built-in `handoff` tool when `handoff.tool` is on.
    public var toolNames: [String] {
        capabilities.map(\.tool) + (handoff.tool ? [Handoff.toolName] : [])
    }

    /// The capability named `tool`, if the template declares it.
    public func capability(_ tool: String) -> Capability? {
        capabilities.first { $0.tool == tool }
    }
}

extension KeyedDecodingContainer {
    /// Decodes an optional key, treating an absent key and an explicit `null` alike,
    /// so `summary:` left empty in YAML means "use the default" rather than an error.
    func value<T: Decodable>(_ key: Key, default fallback: @autoclosure () -> T) throws -> T {
        try decodeIfPresent(T.self, forKey: key) ?? fallback()
    }
}
