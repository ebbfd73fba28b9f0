import Foundation
import PapoPluginKit
import Synchronization

/// The knowledge base: Markdown articles split into passages (one per `##` section), indexed
/// for BM25.
struct KnowledgeBase: Sendable {
    struct Passage: Sendable {
        var article: String
        var section: String
        var text: String
        var terms: [String: Int]
        var length: Int
    }

    let passages: [Passage]
    let documentFrequency: [String: Int]
    let averageLength: Double

    private static let cache = Mutex<[String: KnowledgeBase]>([:])

    /// The knowledge base in `folder` (the agent's `knowledge_base_dir`), else the shipped one.
    static func load(configured: String?) throws -> KnowledgeBase {
        guard let url = PluginResources.locate("knowledge-base", plugin: "support", configured: configured) else {
            throw ToolError("a base de conhecimento não foi encontrada")
        }
        if let cached = cache.withLock({ $0[url.path] }) { return cached }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? []
        var passages: [Passage] = []
        for name in names.sorted() where name.hasSuffix(".md") {
            let text = (try? String(contentsOf: url.appendingPathComponent(name), encoding: .utf8)) ?? ""
            passages += split(article: text)
        }
        let base = KnowledgeBase(passages: passages)
        cache.withLock { $0[url.path] = base }
        return base
    }

    init(passages: [Passage]) {
        self.passages = passages
        var frequency: [String: Int] = [:]
        for passage in passages { for term in passage.terms.keys { frequency[term, default: 0] += 1 } }
        documentFrequency = frequency
        averageLength = passages.isEmpty ? 1 : Double(passages.map(\.length).reduce(0, +)) / Double(passages.count)
    }

    /// Splits an article at `##` headings; the `#` heading is the title of every passage.
    static func split(article: String) -> [Passage] {
        var title = ""
        var sections: [(String, [String])] = []
        for line in article.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") {
                sections.append((String(line.dropFirst(3)), []))
            } else if line.hasPrefix("# ") {
                title = String(line.dropFirst(2))
            } else if !line.trimmingCharacters(in: .whitespaces).isEmpty, !sections.isEmpty {
                sections[sections.count - 1].1.append(String(line))
            }
        }
        return sections.map { section, lines in
            let text = lines.joined(separator: " ")
            // Headings count as passage text too: they are the best summary of the passage.
            let tokens = Tokenizer.terms(title + " " + section + " " + text)
            return Passage(
                article: title, section: section, text: text,
                terms: tokens.reduce(into: [:]) { $0[$1, default: 0] += 1 }, length: tokens.count)
        }
    }

    /// The passages ranked by BM25 (k1 = 1.2, b = 0.75) for `query`, best first, score > 0.
    func search(_ query: String) -> [(passage: Passage, score: Double)] {
        let queryTerms = Set(Tokenizer.terms(query))
        let count = Double(passages.count)
        let scored = passages.map { passage -> (Passage, Double) in
            var score = 0.0
            for term in queryTerms {
                guard let frequency = passage.terms[term].map(Double.init) else { continue }
                let documents = Double(documentFrequency[term] ?? 0)
                let idf = log(1 + (count - documents + 0.5) / (documents + 0.5))
                let norm = frequency + 1.2 * (1 - 0.75 + 0.75 * Double(passage.length) / averageLength)
                score += idf * frequency * 2.2 / norm
            }
            return (passage, score)
        }
        return scored.filter { $0.1 > 0 }.sorted { $0.1 > $1.1 }.map { (passage: $0.0, score: $0.1) }
    }
}
