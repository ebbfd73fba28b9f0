public import Foundation

/// A complete HTTP response: the final status and headers (after any 1xx or followed
/// redirect) and the whole body.
public struct HTTPClientResponse: Sendable {
    /// The HTTP status code of the last response.
    public var status: Int
    /// The headers of the last response only.
    public var headers: HTTPClientHeaders
    /// The body, already decoded from chunked transfer encoding.
    public var body: Data

    /// Creates a response; the client builds these, tests and fakes may too.
    public init(status: Int, headers: HTTPClientHeaders, body: Data) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// Returns `self` for a 2xx status, otherwise throws ``HTTPClientError/Code/httpStatus``
    /// carrying the status and body.
    @discardableResult
    public func ensureSuccess() throws(HTTPClientError) -> HTTPClientResponse {
        guard isSuccess else { throw HTTPClientError.httpStatus(status, body: body) }
        return self
    }

    /// The body decoded as UTF-8 text (invalid sequences are replaced, never dropped silently).
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Decodes the body as JSON.
    public func decode<T: Decodable>(
        _ type: T.Type = T.self, decoder: JSONDecoder = JSONDecoder()
    ) throws -> T {
        try decoder.decode(type, from: body)
    }
}
