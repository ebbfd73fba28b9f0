public import PapoYAML

/// The rules a decoded template must follow beyond its types: slug id, language
/// tag, ranges and budgets, tool names, regexes, keywords and prompt variables.
///
/// All problems are collected (not just the first), so an author fixes a file in
/// one round. Uniqueness of ids across a folder is checked by the callers that
/// see the folder (`AgentTemplateLibrary`, `AgentTemplateLoader.validate(files:)`).
public enum TemplateValidator {
    /// The longest accepted id; ids end up in URLs, logs and database rows.
    public static let maxIDLength = 64
    /// The longest accepted debounce: a customer waiting longer thinks the bot is dead.
    public static let maxDebounce = TemplateDuration.seconds(60)

    /// Checks `template`, positioning errors with the parsed `root` node and the
    /// source `text` when available (both come from the same file).
    public static func validate(
        _ template: AgentTemplate, file: String, root: YAMLNode? = nil,
        text: String? = nil
    ) -> [TemplateError] {
        var checks = TemplateChecks(template: template, map: TemplateSourceMap(file: file, root: root, text: text))
        checks.run()
        // Source order reads naturally in CLI output; unpositioned errors go last.
        return checks.errors.enumerated().sorted { lhs, rhs in
            let l = (lhs.element.line == 0 ? Int.max : lhs.element.line, lhs.element.column, lhs.offset)
            let r = (rhs.element.line == 0 ? Int.max : rhs.element.line, rhs.element.column, rhs.offset)
            return l < r
        }.map(\.element)
    }

    /// Whether `id` is a lowercase slug: `a-z`, `0-9` and single inner hyphens.
    public static func isSlug(_ id: String) -> Bool {
        guard !id.isEmpty, id.count <= maxIDLength, id.first != "-", id.last != "-", !id.contains("--") else {
            return false
        }
        return id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" }
    }

    /// Whether `tag` has the shape of a BCP-47 language tag (`pt`, `pt-BR`, `zh-Hant-TW`).
    public static func isLanguageTag(_ tag: String) -> Bool {
        let parts = tag.split(separator: "-", omittingEmptySubsequences: false)
        guard let language = parts.first, (2...3).contains(language.count),
            language.allSatisfy({ $0.isASCII && $0.isLetter })
        else { return false }
        return parts.dropFirst().allSatisfy { part in
            (1...8).contains(part.count) && part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
        }
    }

    /// Whether `name` is acceptable as a tool name for OpenAI-compatible endpoints.
    public static func isToolName(_ name: String) -> Bool {
        (1...64).contains(name.count)
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }
}

/// One validation run; rules append to `errors`.
struct TemplateChecks {
    let template: AgentTemplate
    let map: TemplateSourceMap
    var errors: [TemplateError] = []

    mutating func fail(_ kind: TemplateError.Kind, _ path: TemplatePath, _ message: String, at mark: YAMLMark? = nil) {
        errors.append(map.error(kind, path, message, at: mark))
    }

    /// Most rule violations are bad values; this spares every call site the kind.
    mutating func fail(_ path: TemplatePath, _ message: String, at mark: YAMLMark? = nil) {
        fail(.invalidValue, path, message, at: mark)
    }

    mutating func run() {
        checkIdentity()
        checkModel()
        checkTexts()
        checkContext()
        checkCapabilities()
        checkKeywords()
        checkReply()
        checkLimits()
    }

    private mutating func checkIdentity() {
        if !TemplateValidator.isSlug(template.id) {
            fail(
                ["id"],
                "id '\(template.id)' must be a lowercase slug of at most \(TemplateValidator.maxIDLength) "
                    + "characters: letters a-z, digits and single hyphens, e.g. 'real-estate'")
        }
        if template.name.trimmingWhitespace().isEmpty { fail(["name"], "name must not be empty") }
        if !TemplateValidator.isLanguageTag(template.language) {
            fail(["language"], "language '\(template.language)' is not a BCP-47 tag such as 'pt-BR' or 'en'")
        }
        if !(TemplateDuration.seconds(0)...TemplateValidator.maxDebounce).contains(template.debounce) {
            fail(["debounce"], "debounce \(template.debounce) must be between 0s and \(TemplateValidator.maxDebounce)")
        }
    }

    private mutating func checkModel() {
        let model = template.model
        if let name = model.name, name.trimmingWhitespace().isEmpty {
            fail(["model", "name"], "model name must not be empty; remove the key to use the tenant's default model")
        }
        if !(0...2).contains(model.temperature) {
            fail(["model", "temperature"], "temperature \(model.temperature) must be between 0 and 2")
        }
        if model.maxTokens < 1 { fail(["model", "max_tokens"], "max_tokens must be at least 1") }
        if !(model.topP > 0 && model.topP <= 1) {
            fail(["model", "top_p"], "top_p \(model.topP) must be greater than 0 and at most 1")
        }
    }

    private mutating func checkContext() {
        let context = template.context
        if context.maxMessages < 1 { fail(["context", "max_messages"], "max_messages must be at least 1") }
        if context.maxTokens < 1 { fail(["context", "max_tokens"], "max_tokens must be at least 1") }
        if context.idleExpiry <= .seconds(0) {
            fail(["context", "idle_expiry"], "idle_expiry must be longer than 0s, e.g. \"24h\"")
        }
        if context.summary.enabled, context.summary.prompt.trimmingWhitespace().isEmpty {
            fail(["context", "summary", "prompt"], "summary prompt must not be empty while the summary is enabled")
        }
    }

    private mutating func checkCapabilities() {
        var seen: [String: Int] = [:]
        if template.handoff.tool { seen[AgentTemplate.Handoff.toolName] = -1 }
        for (index, capability) in template.capabilities.enumerated() {
            // A bare-name entry has no `tool` key to point at; the entry itself is the name.
            let entry: TemplatePath = ["capabilities", .index(index)]
            let path = map.node(at: entry)?.scalar != nil ? entry : entry.appending("tool")
            if !TemplateValidator.isToolName(capability.tool) {
                fail(path, "tool name '\(capability.tool)' may only use letters, digits, '_' and '-' (at most 64)")
            }
            if let first = seen[capability.tool] {
                let origin =
                    first < 0 ? "the built-in handoff_to_human tool (handoff.tool: true)" : "capabilities[\(first)]"
                fail(.duplicate, path, "capability '\(capability.tool)' is already declared by \(origin)")
            } else {
                seen[capability.tool] = index
            }
            if let config = capability.config, config.objectValue == nil {
                fail(
                    .typeMismatch, entry.appending("config"),
                    "config must be a mapping of settings for '\(capability.tool)'")
            }
        }
    }

    private mutating func checkReply() {
        let reply = template.reply
        let limit = AgentTemplate.ReplyStyle.whatsAppLimit
        if !(1...limit).contains(reply.maxLength) {
            fail(
                ["reply", "max_length"],
                "max_length \(reply.maxLength) must be between 1 and \(limit) (WhatsApp's limit)")
        }
        if !(0...1000).contains(reply.typingDelayPerCharMs) {
            fail(["reply", "typing_delay_per_char_ms"], "typing_delay_per_char_ms must be between 0 and 1000")
        }
        if reply.maxTypingDelay > .seconds(60) {
            fail(["reply", "max_typing_delay"], "max_typing_delay must be at most 60s")
        }
    }

    private mutating func checkLimits() {
        let limits = template.limits
        if !(1...50).contains(limits.maxToolRounds) {
            fail(["limits", "max_tool_rounds"], "max_tool_rounds \(limits.maxToolRounds) must be between 1 and 50")
        }
        if !(TemplateDuration.milliseconds(1)...TemplateDuration.minutes(10)).contains(limits.turnTimeout) {
            fail(["limits", "turn_timeout"], "turn_timeout must be longer than 0s and at most 10m")
        }
    }
}
