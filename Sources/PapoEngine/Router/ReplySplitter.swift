/// Cuts a model answer into WhatsApp messages following a template's reply style.
///
/// People write chat in short messages, so with `split_paragraphs` each blank-line separated
/// paragraph becomes its own message. Anything longer than `max_length` (never above
/// WhatsApp's 4096 characters) is cut at the last line end, else sentence end, else space
/// inside the limit, and only as a last resort in the middle of a word.
public enum ReplySplitter {
    /// The messages for `text`, in order, without empty ones.
    public static func split(_ text: String, style: AgentTemplate.ReplyStyle) -> [String] {
        let limit = max(1, min(style.maxLength, AgentTemplate.ReplyStyle.whatsAppLimit))
        let trimmed = text.trimmingWhitespace()
        guard !trimmed.isEmpty else { return [] }
        let pieces = style.splitParagraphs ? paragraphs(trimmed) : [trimmed]
        return pieces.flatMap { cut($0, limit: limit) }
    }

    /// Blank-line separated paragraphs, trimmed, without empty ones.
    static func paragraphs(_ text: String) -> [String] {
        var result: [String] = []
        var current: [Substring] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.allSatisfy(\.isWhitespace) {
                if !current.isEmpty { result.append(current.joined(separator: "\n").trimmingWhitespace()) }
                current = []
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { result.append(current.joined(separator: "\n").trimmingWhitespace()) }
        return result.filter { !$0.isEmpty }
    }

    /// `text` in pieces of at most `limit` characters, cut at the most natural boundary.
    static func cut(_ text: String, limit: Int) -> [String] {
        var pieces: [String] = []
        var rest = Substring(text)
        while rest.count > limit {
            let window = rest.prefix(limit)
            let boundary =
                lastBoundary(in: window, after: { $0 == "\n" })
                ?? lastBoundary(in: window, after: { ".!?".contains($0) })
                ?? lastBoundary(in: window, after: \.isWhitespace)
                ?? window.endIndex
            let piece = rest[rest.startIndex..<boundary].trimmingWhitespace()
            if !piece.isEmpty { pieces.append(piece) }
            rest = rest[boundary...]
        }
        let last = rest.trimmingWhitespace()
        if !last.isEmpty { pieces.append(last) }
        return pieces
    }

    /// The index just after the last character of `window` matching `isBoundary`, ignoring
    /// boundaries in the first quarter (a tiny first piece reads worse than a cut word).
    private static func lastBoundary(in window: Substring, after isBoundary: (Character) -> Bool) -> String.Index? {
        guard let index = window.lastIndex(where: isBoundary) else { return nil }
        let end = window.index(after: index)
        guard window.distance(from: window.startIndex, to: end) > window.count / 4 else { return nil }
        return end
    }
}

/// Answers from a template's offline section when the model cannot: the FAQ entry that best
/// matches the customer's words, else the greeting on first contact, else the fallback.
public enum OfflineResponder {
    /// The text to send for messages `texts` of a conversation.
    public static func answer(template: AgentTemplate, texts: [String], isFirstContact: Bool) -> String {
        let joined = texts.joined(separator: "\n")
        if let entry = template.offline.faqAnswer(for: joined) { return entry.answer }
        if isFirstContact, let greeting = template.offline.greeting { return greeting }
        return template.offline.fallback
    }
}
