import Foundation

/// Keyword matching for triggers, handoff, finish and FAQ entries.
///
/// Customers type on phones: "Atendente", "atendênte!", "ATENDENTE por favor" must
/// all match `atendente`. Text and keywords are therefore reduced to lowercase
/// words without accents before comparing, and a keyword matches only whole words
/// so `corretor` does not fire inside `corretora` or `incorretos`.
public enum KeywordMatcher {
    /// Lowercase, accent-free words of `text`; punctuation and emoji separate words.
    public static func words(_ text: String) -> [Substring] {
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).lowercased()
        return folded.split { !($0.isLetter || $0.isNumber) }
    }

    /// Whether any keyword occurs in `text` as a whole word or a run of whole words.
    public static func containsAny(_ keywords: [String], in text: String) -> Bool {
        guard !keywords.isEmpty else { return false }
        let haystack = words(text)
        return keywords.contains { keyword in
            let needle = words(keyword)
            guard !needle.isEmpty, needle.count <= haystack.count else { return false }
            return (0...(haystack.count - needle.count)).contains { start in
                haystack[start..<(start + needle.count)].elementsEqual(needle)
            }
        }
    }

    /// Whether `text`, as a whole, is one of the keywords (ignoring case, accents,
    /// punctuation and surrounding spaces).
    public static func equalsAny(_ keywords: [String], text: String) -> Bool {
        let message = words(text)
        guard !message.isEmpty else { return false }
        return keywords.contains { words($0) == message }
    }

    /// The comparable form of a keyword, used to detect the same keyword written twice.
    static func normalized(_ keyword: String) -> String {
        words(keyword).joined(separator: " ")
    }
}

// Template sections apply the matcher with different rules; they live here so the
// whole matching behaviour of a template can be read in one place.

extension AgentTemplate.Triggers {
    /// Whether `text` selects this agent. Invalid patterns never match
    /// (validation rejects them before a template is published).
    public func matches(_ text: String) -> Bool {
        if all || KeywordMatcher.containsAny(keywords, in: text) { return true }
        return regex.contains { pattern in
            guard let compiled = try? Regex(pattern) else { return false }
            return text.contains(compiled)
        }
    }
}

extension AgentTemplate.Handoff {
    /// Whether `text` asks for a human.
    public func matches(_ text: String) -> Bool {
        KeywordMatcher.containsAny(keywords, in: text)
    }
}

extension AgentTemplate.Finish {
    /// Whether `text` closes the conversation.
    public func matches(_ text: String) -> Bool {
        KeywordMatcher.equalsAny(keywords, text: text)
    }
}

extension AgentTemplate.OfflineAnswers {
    /// The FAQ entry whose keywords best match `text` (most keywords found; the
    /// first declared wins a tie), or `nil` when none matches.
    public func faqAnswer(for text: String) -> AgentTemplate.FAQEntry? {
        var best: (entry: AgentTemplate.FAQEntry, hits: Int)?
        for entry in faq {
            let hits = entry.keywords.filter { KeywordMatcher.containsAny([$0], in: text) }.count
            if hits > 0, hits > (best?.hits ?? 0) { best = (entry, hits) }
        }
        return best?.entry
    }
}
