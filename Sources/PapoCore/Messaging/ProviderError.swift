/// A failure reported by (or on the way to) a WhatsApp provider, classified by what the
/// caller should do about it.
///
/// `message` carries the provider's own explanation (Meta's `(#130429) Rate limit hit`) and
/// never credentials: providers build it from response bodies and fixed text only.
public struct ProviderError: Error, Sendable, CustomStringConvertible {
    /// What the caller should do.
    public enum Classification: String, Sendable, Hashable, Codable {
        /// Try again later, with backoff; a fallback provider may succeed now.
        case retryable
        /// The 24-hour customer-service window is closed: only a template can reach the
        /// customer (Meta 131047).
        case needsTemplate
        /// Retrying the same request will fail again.
        case permanent
    }

    /// What the caller should do.
    public var classification: Classification
    /// The provider's error code as text (`131047` for Meta) or one of Papo's own:
    /// `http_<status>`, `transport_<kind>`, `invalid_message`, `unsupported`, `circuit_open`,
    /// `unexpected_response`.
    public var code: String
    /// A human-readable explanation, safe to log and to show to a tenant.
    public var message: String
    /// The provider that failed, when known.
    public var provider: ProviderKind?
    /// The HTTP status of the provider's answer, when there was one.
    public var httpStatus: Int?
    /// How long the provider asked the caller to wait (`Retry-After`), when it said.
    public var retryAfter: Duration?
    /// The underlying error, such as a transport failure.
    public var cause: (any Error)?

    /// Creates an error.
    public init(
        _ classification: Classification, code: String, message: String, provider: ProviderKind? = nil,
        httpStatus: Int? = nil, retryAfter: Duration? = nil, cause: (any Error)? = nil
    ) {
        self.classification = classification
        self.code = code
        self.message = message
        self.provider = provider
        self.httpStatus = httpStatus
        self.retryAfter = retryAfter
        self.cause = cause
    }

    /// Whether a later attempt (or another provider) may succeed.
    public var isRetryable: Bool { classification == .retryable }

    public var description: String {
        var text = "ProviderError(\(classification.rawValue), code \(code)"
        if let provider { text += ", \(provider.rawValue)" }
        if let httpStatus { text += ", HTTP \(httpStatus)" }
        return text + "): \(message)"
    }

    /// A message that failed validation; never worth retrying.
    public static func invalidMessage(_ error: FieldError, provider: ProviderKind? = nil) -> ProviderError {
        ProviderError(
            .permanent, code: "invalid_message", message: "\(error.field): \(error.message)", provider: provider,
            cause: error)
    }

    /// A message kind or operation the provider cannot carry.
    public static func unsupported(_ what: String, provider: ProviderKind) -> ProviderError {
        ProviderError(
            .permanent, code: "unsupported", message: "\(what) is not supported by \(provider.rawValue)",
            provider: provider)
    }

    /// The classification of a bare HTTP status, for answers without a recognised error code:
    /// 408, 429 and 5xx are worth retrying, everything else is not.
    public static func classify(httpStatus: Int) -> Classification {
        httpStatus == 408 || httpStatus == 429 || (500...599).contains(httpStatus) ? .retryable : .permanent
    }
}

extension ProviderError: Equatable {
    /// Compares what callers act on; `cause` is diagnostic detail and is not compared.
    public static func == (lhs: ProviderError, rhs: ProviderError) -> Bool {
        lhs.classification == rhs.classification && lhs.code == rhs.code && lhs.message == rhs.message
            && lhs.provider == rhs.provider && lhs.httpStatus == rhs.httpStatus && lhs.retryAfter == rhs.retryAfter
    }
}
