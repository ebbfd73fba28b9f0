public import Foundation

/// The one error type thrown by ``HTTPClient``.
///
/// `message` is libcurl's own explanation (its error buffer) or a short fixed text; it never
/// contains header values or request bodies, so it is safe to log. Task cancellation is not an
/// `HTTPClientError`: a cancelled call throws `CancellationError`.
public struct HTTPClientError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure happened, for callers that branch on it (retry, alert, give up).
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case couldNotResolveHost
            case couldNotConnect
            case timeout
            case tls
            case responseTooLarge
            case cancelled
            case invalidRequest
            case transport
            case httpStatus
            case blockedAddress
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The host name (or proxy name) did not resolve.
        public static let couldNotResolveHost = Code(.couldNotResolveHost)
        /// The TCP connection was refused or could not be established.
        public static let couldNotConnect = Code(.couldNotConnect)
        /// The connect timeout or the total timeout expired.
        public static let timeout = Code(.timeout)
        /// The TLS handshake or certificate verification failed.
        public static let tls = Code(.tls)
        /// The response body grew past the configured maximum size.
        public static let responseTooLarge = Code(.responseTooLarge)
        /// The client shut down (or libcurl aborted) before the request finished.
        public static let cancelled = Code(.cancelled)
        /// The request could not be sent as given (bad URL, header or option).
        public static let invalidRequest = Code(.invalidRequest)
        /// Any other transport failure reported by libcurl.
        public static let transport = Code(.transport)
        /// The server answered with a non-2xx status (see ``HTTPClientResponse/ensureSuccess()``).
        public static let httpStatus = Code(.httpStatus)
        /// The host resolved to an internal address and the request refuses those
        /// (``HTTPClientRequest/refuseInternalAddresses``).
        public static let blockedAddress = Code(.blockedAddress)

        public var description: String { base.rawValue }
    }

    /// What kind of failure happened.
    public var code: Code
    /// A human-readable explanation, free of header values and secrets.
    public var message: String
    /// The HTTP status, for ``Code/httpStatus`` errors.
    public var status: Int?
    /// The response body, for ``Code/httpStatus`` errors.
    public var body: Data?
    /// The libcurl result code (`CURLE_*`) when libcurl reported the failure.
    public var curlCode: Int?
    /// The underlying error, when this one wraps another.
    public var cause: (any Error)?

    /// Creates an error; most callers only ever receive these.
    public init(
        code: Code, message: String, status: Int? = nil, body: Data? = nil,
        curlCode: Int? = nil, cause: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.status = status
        self.body = body
        self.curlCode = curlCode
        self.cause = cause
    }

    /// A non-2xx response, keeping status and body so callers can read the server's explanation.
    public static func httpStatus(_ status: Int, body: Data) -> HTTPClientError {
        HTTPClientError(code: .httpStatus, message: "HTTP status \(status)", status: status, body: body)
    }

    public var description: String {
        var text = "HTTPClientError.\(code): \(message)"
        if let curlCode { text += " (curl code \(curlCode))" }
        // The body length, not the body: error bodies may echo request data.
        if let body { text += " (body \(body.count) bytes)" }
        return text
    }
}
