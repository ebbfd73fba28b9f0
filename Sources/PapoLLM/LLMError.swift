/// The one error type of PapoLLM.
///
/// `message` is the server's explanation (or a fixed text) with the API key removed, so it is
/// safe to log and to show operators. Task cancellation is not an `LLMError`: a cancelled call
/// throws `CancellationError`.
public struct LLMError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure happened, for callers that branch on it.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case rateLimited
            case quotaExceeded
            case serverError
            case timeout
            case unreachable
            case contextLengthExceeded
            case authentication
            case notFound
            case invalidRequest
            case malformedResponse
            case cancelled
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// HTTP 429: too many requests or tokens per minute. Retryable; see ``LLMError/retryAfter``.
        public static let rateLimited = Code(.rateLimited)
        /// HTTP 429 with OpenAI's `insufficient_quota`: billing, not pacing. Permanent.
        public static let quotaExceeded = Code(.quotaExceeded)
        /// HTTP 5xx (or an error event inside a stream). Retryable.
        public static let serverError = Code(.serverError)
        /// The connect or total timeout expired (or HTTP 408). Retryable.
        public static let timeout = Code(.timeout)
        /// The host did not resolve, refused the connection, or failed TLS. Retryable.
        public static let unreachable = Code(.unreachable)
        /// The prompt does not fit the model's context window: trim the context and try again.
        public static let contextLengthExceeded = Code(.contextLengthExceeded)
        /// HTTP 401/403: the key is wrong, revoked or lacks access. Permanent.
        public static let authentication = Code(.authentication)
        /// HTTP 404: no such model or deployment. Permanent.
        public static let notFound = Code(.notFound)
        /// Any other 4xx, or a request that could not be sent as configured. Permanent.
        public static let invalidRequest = Code(.invalidRequest)
        /// A 2xx answer that is not a chat completion, or a stream that ended early.
        public static let malformedResponse = Code(.malformedResponse)
        /// The HTTP client was shut down before the call finished.
        public static let cancelled = Code(.cancelled)

        public var description: String { base.rawValue }
    }

    /// What kind of failure happened.
    public var code: Code
    /// A human-readable explanation, free of credentials.
    public var message: String
    /// The HTTP status, when the server answered.
    public var status: Int?
    /// How long the server asked to wait (`Retry-After` / `retry-after-ms`), when it said.
    public var retryAfter: Duration?
    /// The server's own error code (`context_length_exceeded`, `model_not_found`, `400`...).
    public var serverCode: String?
    /// The server's error type (`invalid_request_error`, `exceed_context_size_error`...).
    public var serverType: String?
    /// How many HTTP requests were made before giving up.
    public var attempts: Int
    /// The underlying error (usually an `HTTPClientError`), when there is one.
    public var cause: (any Error)?

    /// Creates an error; most callers only ever receive these.
    public init(
        code: Code, message: String, status: Int? = nil, retryAfter: Duration? = nil,
        serverCode: String? = nil, serverType: String? = nil, attempts: Int = 1, cause: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.status = status
        self.retryAfter = retryAfter
        self.serverCode = serverCode
        self.serverType = serverType
        self.attempts = attempts
        self.cause = cause
    }

    /// Whether trying the same request again later may succeed: rate limits, server errors,
    /// timeouts and unreachable hosts. Everything else fails the same way every time.
    public var isRetryable: Bool {
        [.rateLimited, .serverError, .timeout, .unreachable].contains(code)
    }

    public var description: String {
        var text = "LLMError.\(code): \(message)"
        if let status { text += " (HTTP \(status))" }
        if let serverCode { text += " [code \(serverCode)]" }
        if attempts > 1 { text += " after \(attempts) attempts" }
        return text
    }
}
