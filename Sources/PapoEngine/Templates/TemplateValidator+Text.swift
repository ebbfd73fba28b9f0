/// Rules for the texts of a template: prompt variables, customer-facing messages,
/// keywords and regular expressions.
extension TemplateChecks {
    mutating func checkTexts() {
        if template.prompt.system.trimmingWhitespace().isEmpty {
            fail(["prompt", "system"], "prompt.system must not be empty")
        }
        checkVariables(in: template.prompt.system, at: ["prompt", "system"])
        checkVariables(in: template.context.summary.prompt, at: ["context", "summary", "prompt"])
        // Customer-facing messages are rendered with the same variables as the prompt.
        checkMessage(template.handoff.message, at: ["handoff", "message"], required: true)
        if let message = template.finish.message { checkMessage(message, at: ["finish", "message"], required: true) }
        if let greeting = template.offline.greeting {
            checkMessage(greeting, at: ["offline", "greeting"], required: true)
        }
        checkMessage(template.offline.fallback, at: ["offline", "fallback"], required: true)
        for (index, entry) in template.offline.faq.enumerated() {
            checkMessage(entry.answer, at: ["offline", "faq", .index(index), "answer"], required: true)
        }
    }

    private mutating func checkMessage(_ text: String, at path: TemplatePath, required: Bool) {
        let limit = AgentTemplate.ReplyStyle.whatsAppLimit
        if required, text.trimmingWhitespace().isEmpty {
            fail(path, "\(path) must not be empty")
        } else if text.count > limit {
            fail(path, "message is \(text.count) characters long; WhatsApp accepts at most \(limit)")
        }
        checkVariables(in: text, at: path)
    }

    /// Every `{{name}}` must be a name the engine supplies; a typo would otherwise
    /// render as empty text in production without anyone noticing.
    private mutating func checkVariables(in text: String, at path: TemplatePath) {
        let scan = PromptRenderer.scan(text)
        var occurrences: [String: Int] = [:]
        for placeholder in scan.placeholders {
            let token = String(text[placeholder.range])
            let occurrence = occurrences[token, default: 0]
            occurrences[token] = occurrence + 1
            let mark = map.mark(of: token, occurrence: occurrence, inValueAt: path)
            if !placeholder.isValidName {
                fail(path, "'\(token)' is not a variable; names look like {{customer.name}}", at: mark)
            } else if !PromptVariables.isKnown(placeholder.name) {
                let known = PromptVariables.known.sorted().joined(separator: ", ")
                var message = "unknown variable '\(placeholder.name)'; known: \(known), and business.*"
                if let suggestion = closest(to: placeholder.name) { message += "; did you mean '\(suggestion)'?" }
                fail(.unknownVariable, path, message, at: mark)
            }
        }
        for position in scan.unclosed {
            let rest = String(text[position...].prefix(20))
            fail(path, "'{{' is never closed with '}}'", at: map.mark(of: rest, inValueAt: path))
        }
    }

    /// The known name closest to a misspelt `name`, if it is only a few edits away.
    private func closest(to name: String) -> String? {
        let ranked = PromptVariables.known.map { ($0, editDistance(Array(name), Array($0))) }
            .filter { $0.1 <= 3 }
            .sorted { ($0.1, $0.0) < ($1.1, $1.0) }
        return ranked.first?.0
    }

    private func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    mutating func checkKeywords() {
        checkKeywordList(template.triggers.keywords, at: ["triggers", "keywords"])
        for (index, pattern) in template.triggers.regex.enumerated() {
            let path: TemplatePath = ["triggers", "regex", .index(index)]
            if pattern.isEmpty {
                fail(path, "an empty regex matches every message; use 'all: true' for a catch-all agent")
                continue
            }
            do {
                _ = try Regex(pattern)
            } catch {
                fail(path, "invalid regex '\(pattern)': \(error)")
            }
        }
        checkKeywordList(template.handoff.keywords, at: ["handoff", "keywords"])
        checkKeywordList(template.finish.keywords, at: ["finish", "keywords"])
        for (index, entry) in template.offline.faq.enumerated() {
            let path: TemplatePath = ["offline", "faq", .index(index), "keywords"]
            if entry.keywords.isEmpty { fail(path, "an FAQ entry needs at least one keyword") }
            checkKeywordList(entry.keywords, at: path)
        }
        // The same word cannot both call a human and close the conversation.
        let handoff = Set(template.handoff.keywords.map(KeywordMatcher.normalized))
        for (index, keyword) in template.finish.keywords.enumerated()
        where handoff.contains(KeywordMatcher.normalized(keyword)) {
            fail(
                .duplicate, ["finish", "keywords", .index(index)],
                "'\(keyword)' is both a handoff keyword and a finish keyword")
        }
    }

    private mutating func checkKeywordList(_ keywords: [String], at path: TemplatePath) {
        var seen: Set<String> = []
        for (index, keyword) in keywords.enumerated() {
            let normalized = KeywordMatcher.normalized(keyword)
            if normalized.isEmpty {
                fail(path.appending(.index(index)), "keyword '\(keyword)' has no letters or digits and can never match")
            } else if !seen.insert(normalized).inserted {
                fail(.duplicate, path.appending(.index(index)), "keyword '\(keyword)' is listed twice")
            }
        }
    }
}
