import Foundation
import Logging
import PapoCore
import PapoHTTP

/// The HTTP plumbing shared by the Meta and Evolution providers: JSON in and out, and
/// transport failures turned into classified ``ProviderError``s.
struct ProviderTransport: Sendable {
    let client: HTTPClient
    let provider: ProviderKind
    let logger: Logger

    /// Sends `request`; any status comes back as a response, transport failures throw.
    func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        do {
            return try await client.execute(request)
        } catch let error as HTTPClientError {
            logger.debug("provider request failed", metadata: ["provider": "\(provider)", "error": "\(error.code)"])
            throw ProviderError.transport(error, provider: provider)
        }
    }

    /// A JSON request with sorted keys, so bodies are reproducible in logs and tests.
    static func jsonRequest(
        method: HTTPClientRequest.Method, url: String, headers: HTTPClientHeaders, body: JSONValue
    ) -> HTTPClientRequest {
        var headers = headers
        headers.replaceOrAdd(name: "Content-Type", value: "application/json")
        return HTTPClientRequest(method: method, url: url, headers: headers, body: Data(body.jsonText.utf8))
    }

    /// The body as JSON, or `nil` when it is not JSON (an HTML error page from a proxy).
    static func json(_ response: HTTPClientResponse) -> JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: response.body)
    }

    /// `Retry-After` in seconds; the HTTP-date form is not used by these providers.
    static func retryAfter(_ response: HTTPClientResponse) -> Duration? {
        guard let text = response.headers["Retry-After"], let seconds = Int(text.trimmingWhitespace()),
            seconds >= 0
        else { return nil }
        return .seconds(seconds)
    }

    /// Joins a base URL and path segments with single slashes, percent-encoding each segment.
    static func url(_ base: String, _ segments: String...) -> String {
        var url = base
        while url.hasSuffix("/") { url.removeLast() }
        for segment in segments where !segment.isEmpty {
            url += "/" + (segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowedSegment) ?? segment)
        }
        return url
    }
}

extension ProviderError {
    /// A request that never got an HTTP answer. Unreachable, timed-out and TLS failures are
    /// retryable: the provider (or a fallback) may be reachable on the next attempt. A timed
    /// out send may still have been accepted, so a retry can duplicate it; neither Meta nor
    /// Evolution offers an idempotency key to prevent that.
    static func transport(_ error: HTTPClientError, provider: ProviderKind) -> ProviderError {
        let permanent: Set<HTTPClientError.Code> = [.invalidRequest, .responseTooLarge]
        return ProviderError(
            permanent.contains(error.code) ? .permanent : .retryable, code: "transport_\(error.code)",
            message: error.message, provider: provider, cause: error)
    }

    /// A success response without the expected content. Not retryable: the request may have
    /// been carried out, and repeating it could send the message twice.
    static func unexpectedResponse(_ what: String, provider: ProviderKind) -> ProviderError {
        ProviderError(.permanent, code: "unexpected_response", message: what, provider: provider)
    }
}

extension CharacterSet {
    /// Path-segment characters: `urlPathAllowed` without `/`.
    static let urlPathAllowedSegment: CharacterSet = {
        var set = CharacterSet.urlPathAllowed
        set.remove("/")
        return set
    }()
}

extension String {
    func trimmingWhitespace() -> String {
        trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
