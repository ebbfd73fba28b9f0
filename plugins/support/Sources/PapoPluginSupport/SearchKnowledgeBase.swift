import PapoPluginKit

struct KnowledgeArguments: Codable, Sendable {
    var query: String
    var max_results: Int?
}

struct KnowledgeResult: Encodable, Sendable {
    struct Hit: Encodable, Sendable {
        var title: String
        var section: String
        var passage: String
        var score: Double
    }

    var results: [Hit]
}

struct SupportConfig: Decodable {
    var knowledge_base_dir: String?
    var max_results: Int?
    /// A fraction of the best score under which passages are dropped (BM25 scores are not
    /// comparable across queries; relative ones are).
    var min_score: Double?
    var categories: [String]?
    var default_priority: String?
    var only_own_tickets: Bool?
    var limit: Int?
}

/// `search_knowledge_base`: the best passages of the help articles for a question.
enum SearchKnowledgeBase {
    static let tool = Tool(
        "search_knowledge_base",
        "Procura na central de ajuda os trechos que respondem à pergunta do cliente. Responda com base neles.",
        parameters: [
            .string("query", "A pergunta ou palavras-chave", required: true, minLength: 2, maxLength: 300),
            .integer("max_results", "Quantos trechos devolver", minimum: 1, maximum: 10),
        ]
    ) { (arguments: KnowledgeArguments, context: ToolContext) in
        let config = try context.config(SupportConfig.self)
        let ranked = try KnowledgeBase.load(configured: config.knowledge_base_dir).search(arguments.query)
        let best = ranked.first?.score ?? 0
        let floor = best * (config.min_score ?? 0)
        let limit = arguments.max_results ?? config.max_results ?? 3
        return KnowledgeResult(
            results: ranked.filter { $0.score >= floor }.prefix(limit).map {
                .init(
                    title: $0.passage.article, section: $0.passage.section, passage: $0.passage.text,
                    score: ($0.score * 1000).rounded() / 1000)
            })
    }
}
