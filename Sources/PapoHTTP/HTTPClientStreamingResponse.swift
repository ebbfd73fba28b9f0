public import Foundation

/// A response whose body arrives as it is received, for long-lived streams such as
/// server-sent events. Returned once the final status and headers are known.
///
/// Stop iterating (or cancel the iterating task) to abort the transfer.
public struct HTTPClientStreamingResponse: Sendable {
    /// The HTTP status code of the last response.
    public var status: Int
    /// The headers of the last response only.
    public var headers: HTTPClientHeaders
    /// The body in chunks as libcurl delivers them; throws ``HTTPClientError`` on transport
    /// failure after the headers arrived. It has a single consumer: read it (or call
    /// ``collect()``, ``ensureSuccess()`` on an error status, or ``serverSentEvents()``) once.
    public var body: AsyncThrowingStream<Data, any Error>

    /// Creates a streaming response; the client builds these, tests and fakes may too.
    public init(status: Int, headers: HTTPClientHeaders, body: AsyncThrowingStream<Data, any Error>) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }

    /// Returns `self` for a 2xx status; otherwise reads the (size-capped) body and throws
    /// ``HTTPClientError/Code/httpStatus`` with it, so an error page never reaches an SSE parser.
    @discardableResult
    public func ensureSuccess() async throws -> HTTPClientStreamingResponse {
        guard isSuccess else { throw HTTPClientError.httpStatus(status, body: try await collect()) }
        return self
    }

    /// Reads the rest of the body into memory.
    public func collect() async throws -> Data {
        var data = Data()
        for try await chunk in body {
            data.append(chunk)
        }
        return data
    }

    /// The body parsed as server-sent events.
    public func serverSentEvents() -> ServerSentEventStream {
        ServerSentEventStream(body: body)
    }
}
