extension LLMEndpoint {
    /// The server dialect: how to authenticate, where the path goes and which fields to send.
    public struct Kind: Hashable, Sendable, Codable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable, CaseIterable {
            case openAI = "openai"
            case azure
            case vLLM = "vllm"
            case llamaCpp = "llamacpp"
            case ollama
            case liteLLM = "litellm"
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// OpenAI's own API: Bearer key, `max_completion_tokens`.
        public static let openAI = Kind(.openAI)
        /// Azure OpenAI: `api-key` header, deployment in the path, `api-version` query.
        public static let azure = Kind(.azure)
        /// vLLM's OpenAI-compatible server: Bearer key (optional), `max_completion_tokens`.
        public static let vLLM = Kind(.vLLM)
        /// llama.cpp's `llama-server`: `max_tokens`, key optional.
        public static let llamaCpp = Kind(.llamaCpp)
        /// Ollama's `/v1` API: `max_tokens`; its key is "required but ignored".
        public static let ollama = Kind(.ollama)
        /// A LiteLLM proxy: Bearer virtual key, `max_tokens` (translated per provider).
        public static let liteLLM = Kind(.liteLLM)

        /// The kind named `name` (`openai`, `azure`, `vllm`, `llamacpp`, `ollama`, `litellm`,
        /// case-insensitive, `-`/`_`/`.` ignored), for configuration files and environment.
        public init?(name: String) {
            let key = name.lowercased().filter { !"-_. ".contains($0) }
            guard let base = Base(rawValue: key) else { return nil }
            self.init(base)
        }

        /// Every kind, for validation messages.
        public static let all: [Kind] = Base.allCases.map(Kind.init)

        /// The field most versions of this server understand for the generation limit.
        public var defaultMaxTokensField: MaxTokensField {
            switch base {
            case .openAI, .azure, .vLLM: .maxCompletionTokens
            // llama.cpp, Ollama and LiteLLM all accept the older field; not all their
            // versions accept the newer one.
            case .llamaCpp, .ollama, .liteLLM: .maxTokens
            }
        }

        public var description: String { base.rawValue }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            let name = try container.decode(String.self)
            guard let kind = Kind(name: name) else {
                throw DecodingError.dataCorruptedError(
                    in: container,
                    debugDescription:
                        "unknown LLM endpoint kind '\(name)'; expected one of \(Self.all.map(\.description).joined(separator: ", "))"
                )
            }
            self = kind
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(base.rawValue)
        }
    }
}
