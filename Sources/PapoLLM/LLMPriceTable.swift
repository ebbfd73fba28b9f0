public import Foundation

/// Prices per model, for an estimated cost per call. Values are whatever currency the operator
/// configures (usually USD), per one million tokens.
public struct LLMPriceTable: Sendable, Hashable, Codable {
    /// The price of one model.
    public struct Price: Sendable, Hashable, Codable {
        /// Price of one million prompt (input) tokens.
        public var promptPerMillion: Decimal
        /// Price of one million completion (output) tokens.
        public var completionPerMillion: Decimal

        /// Creates a price.
        public init(promptPerMillion: Decimal, completionPerMillion: Decimal) {
            self.promptPerMillion = promptPerMillion
            self.completionPerMillion = completionPerMillion
        }

        private enum CodingKeys: String, CodingKey {
            case promptPerMillion = "prompt_per_million"
            case completionPerMillion = "completion_per_million"
        }
    }

    /// Prices by model name.
    public var prices: [String: Price]

    /// Creates a table; the empty table estimates nothing.
    public init(_ prices: [String: Price] = [:]) {
        self.prices = prices
    }

    public init(from decoder: any Decoder) throws {
        prices = try decoder.singleValueContainer().decode([String: Price].self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(prices)
    }

    /// The price for `model`: an exact entry, else the longest entry that is a prefix of it
    /// followed by `-` (servers answer `gpt-4o-mini-2024-07-18` to a request for `gpt-4o-mini`).
    public func price(for model: String) -> Price? {
        if let exact = prices[model] { return exact }
        let match = prices.keys
            .filter { model.hasPrefix($0 + "-") }
            .max { $0.count < $1.count }
        return match.flatMap { prices[$0] }
    }

    /// The estimated cost of `usage` on `model`, or `nil` when the table has no price for it.
    public func cost(of usage: LLMUsage, model: String) -> Decimal? {
        guard let price = price(for: model) else { return nil }
        let million = Decimal(1_000_000)
        return Decimal(usage.promptTokens) * price.promptPerMillion / million
            + Decimal(usage.completionTokens) * price.completionPerMillion / million
    }
}
