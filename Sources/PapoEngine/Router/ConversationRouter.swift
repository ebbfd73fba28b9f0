public import PapoStore

/// Picks the agent that answers a turn, and spots the messages that bypass the model
/// (handoff and finish keywords).
///
/// The order is the design's: the conversation's assigned agent, else the first of the
/// tenant's active agents whose template triggers match, else the tenant's default agent,
/// else a configured default template with no agent row (so a fresh install answers too).
public struct ConversationRouter: Sendable {
    /// Resolves a template id; ``AgentTemplateLibrary/template(id:)`` in production.
    public typealias TemplateLookup = @Sendable (String) -> AgentTemplate?

    /// Why an agent was chosen.
    public enum Reason: String, Sendable, Hashable {
        case assigned
        case trigger
        case defaultAgent
        case defaultTemplate
    }

    /// The agent of one turn.
    public struct Selection: Sendable, Equatable {
        public var template: AgentTemplate
        /// `nil` when the configured default template answers without an agent row.
        public var agent: AgentRecord?
        public var reason: Reason

        /// Whether the conversation should remember this agent: trigger routing assigns it, so
        /// the customer keeps talking to the agent that picked up the topic.
        public var assigns: Bool { reason == .trigger }
    }

    /// What a turn does with the customer's messages.
    public enum Decision: Sendable, Hashable {
        /// Hand the conversation to a human, with the template's handoff message.
        case handoff
        /// Close the conversation, with the template's finish message if any.
        case finish
        /// Let the model answer.
        case answer
    }

    let templates: TemplateLookup
    let merged = AgentOverridesCache()
    /// The template used when the tenant has no agent that applies.
    public let defaultTemplateID: String?

    /// Creates a router over a template lookup.
    public init(templates: @escaping TemplateLookup, defaultTemplateID: String? = nil) {
        self.templates = templates
        self.defaultTemplateID = defaultTemplateID
    }

    /// Creates a router over a template library (which may reload underneath it).
    public init(library: AgentTemplateLibrary, defaultTemplateID: String? = nil) {
        self.init(templates: { library.template(id: $0) }, defaultTemplateID: defaultTemplateID)
    }

    /// The template an agent answers with: its template file with the agent's overrides merged
    /// in. Overrides that no longer fit (the template changed since they were checked) are
    /// ignored rather than leaving the agent silent.
    func template(of agent: AgentRecord) -> AgentTemplate? {
        guard let base = templates(agent.templateID) else { return nil }
        return merged.template(agentID: agent.id, base: base, overrides: agent.overrides) ?? base
    }

    /// The agent for a turn whose new messages read `text`; `nil` when nothing applies.
    public func selectAgent(for conversation: Conversation, agents: [AgentRecord], text: String) -> Selection? {
        if let assigned = conversation.agentID,
            let agent = agents.first(where: { $0.id == assigned && $0.active }),
            let template = template(of: agent)
        {
            return Selection(template: template, agent: agent, reason: .assigned)
        }
        for agent in agents where agent.active && !agent.isDefault {
            if let template = template(of: agent), template.triggers.matches(text) {
                return Selection(template: template, agent: agent, reason: .trigger)
            }
        }
        if let agent = agents.first(where: { $0.isDefault && $0.active }), let template = template(of: agent) {
            return Selection(template: template, agent: agent, reason: .defaultAgent)
        }
        if let id = defaultTemplateID, let template = templates(id) {
            return Selection(template: template, agent: nil, reason: .defaultTemplate)
        }
        return nil
    }

    /// Whether the new messages ask for a human, close the conversation, or go to the model.
    ///
    /// Any message may ask for a human; only the last one can close, and only when it is
    /// nothing but a finish keyword ("tchau" closes, "tchau, mas antes..." does not).
    public func decide(template: AgentTemplate, texts: [String]) -> Decision {
        if texts.contains(where: template.handoff.matches) { return .handoff }
        if let last = texts.last, template.finish.matches(last) { return .finish }
        return .answer
    }
}
