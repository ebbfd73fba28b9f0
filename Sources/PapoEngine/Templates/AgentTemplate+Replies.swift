extension AgentTemplate {
    /// How a model answer becomes WhatsApp messages.
    public struct ReplyStyle: Codable, Sendable, Equatable {
        /// WhatsApp's hard limit for one text message.
        public static let whatsAppLimit = 4096

        /// Send each paragraph (blank-line separated) as its own message, as people do in chat.
        public var splitParagraphs: Bool
        /// Longest single message; longer text is cut at paragraph, line or sentence ends. ≤ 4096.
        public var maxLength: Int
        /// Reading pace of a split answer, in milliseconds per character: each part after the
        /// first is sent this long (capped) after the one before; the first goes out at once,
        /// so a customer never waits for the start of an answer. 0 disables it.
        public var typingDelayPerCharMs: Int
        /// Cap on the typing delay of one message, so long answers do not stall.
        public var maxTypingDelay: TemplateDuration

        /// Creates a reply style.
        public init(
            splitParagraphs: Bool = true, maxLength: Int = ReplyStyle.whatsAppLimit,
            typingDelayPerCharMs: Int = 30, maxTypingDelay: TemplateDuration = .seconds(5)
        ) {
            self.splitParagraphs = splitParagraphs
            self.maxLength = maxLength
            self.typingDelayPerCharMs = typingDelayPerCharMs
            self.maxTypingDelay = maxTypingDelay
        }

        enum CodingKeys: String, CodingKey {
            case splitParagraphs = "split_paragraphs"
            case maxLength = "max_length"
            case typingDelayPerCharMs = "typing_delay_per_char_ms"
            case maxTypingDelay = "max_typing_delay"
        }

        public init(from decoder: any Decoder) throws {
            let keys = try decoder.container(keyedBy: CodingKeys.self)
            let defaults = ReplyStyle()
            self.init(
                splitParagraphs: try keys.value(.splitParagraphs, default: defaults.splitParagraphs),
                maxLength: try keys.value(.maxLength, default: defaults.maxLength),
                typingDelayPerCharMs: try keys.value(.typingDelayPerCharMs, default: defaults.typingDelayPerCharMs),
                maxTypingDelay: try keys.value(.maxTypingDelay, default: defaults.maxTypingDelay))
        }

        /// The typing delay for a message of `characters` characters, capped by `maxTypingDelay`.
        public func typingDelay(forCharacters characters: Int) -> Duration {
            min(.milliseconds(max(0, characters) * max(0, typingDelayPerCharMs)), maxTypingDelay.duration)
        }
    }

    /// Answers that need no model: the first greeting, FAQ hits and the fallback used
    /// when the model endpoint is down, so a customer is never left without a reply.
    public struct OfflineAnswers: Codable, Sendable, Equatable {
        /// The fallback used when a template gives none.
        public static let defaultFallback = """
            Desculpe, não consegui responder agora. Já registrei sua mensagem e \
            retorno assim que possível. Se preferir, digite *atendente* para falar com nossa equipe.
            """

        /// Sent for the first message of a new conversation when the model is unavailable; `nil` skips it.
        public var greeting: String?
        /// Keyword-matched canned answers.
        public var faq: [FAQEntry]
        /// Sent when nothing else applies.
        public var fallback: String

        /// Creates offline answers.
        public init(greeting: String? = nil, faq: [FAQEntry] = [], fallback: String = OfflineAnswers.defaultFallback) {
            self.greeting = greeting
            self.faq = faq
            self.fallback = fallback
        }

        public init(from decoder: any Decoder) throws {
            let keys = try decoder.container(keyedBy: CodingKeys.self)
            self.init(
                greeting: try keys.decodeIfPresent(String.self, forKey: .greeting),
                faq: try keys.value(.faq, default: []),
                fallback: try keys.value(.fallback, default: Self.defaultFallback))
        }
    }

    /// One canned answer.
    public struct FAQEntry: Codable, Sendable, Equatable {
        /// The question in plain words, for people reading the template; not used for matching.
        public var question: String?
        /// Words or phrases that select this answer (whole words, ignoring case and accents).
        public var keywords: [String]
        /// The reply text.
        public var answer: String

        /// Creates an FAQ entry.
        public init(question: String? = nil, keywords: [String], answer: String) {
            self.question = question
            self.keywords = keywords
            self.answer = answer
        }
    }
}
