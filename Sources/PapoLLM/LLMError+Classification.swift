import Foundation
import PapoCore
import PapoHTTP

extension LLMError {
    /// Classifies a non-2xx answer. `secret` (the API key) is scrubbed from the server's message,
    /// because some servers echo the key they rejected.
    static func from(status: Int, headers: HTTPClientHeaders, body: Data, secret: String?) -> LLMError {
        let details = ServerErrorDetails(body: body)
        let message = Redactor.scrub(details.message ?? "HTTP status \(status)", secret: secret)
        func error(_ code: Code, retryAfter: Duration? = nil) -> LLMError {
            LLMError(
                code: code, message: message, status: status, retryAfter: retryAfter,
                serverCode: details.code, serverType: details.type)
        }
        switch status {
        case 429:
            // OpenAI answers an exhausted balance with 429 too; waiting does not refill it.
            if details.code == "insufficient_quota" || details.type == "insufficient_quota" {
                return error(.quotaExceeded)
            }
            return error(.rateLimited, retryAfter: RetryAfter.parse(headers))
        case 401, 403:
            return error(.authentication)
        case 404:
            return error(.notFound)
        case 408:
            return error(.timeout)
        case 400, 413, 422:
            return error(details.isContextLengthExceeded ? .contextLengthExceeded : .invalidRequest)
        case 400..<500:
            return error(.invalidRequest)
        case 500..<600:
            return error(.serverError, retryAfter: RetryAfter.parse(headers))
        default:
            // Redirects are not followed (they could carry the key to another host), so a 3xx
            // means a misconfigured base URL.
            return error(.invalidRequest)
        }
    }

    /// Classifies an error object received inside a 200 stream (vLLM and OpenAI send one when
    /// generation fails after the headers went out).
    static func fromStreamError(_ body: Data, secret: String?) -> LLMError? {
        let details = ServerErrorDetails(body: body)
        guard details.isErrorEnvelope else { return nil }
        let message = Redactor.scrub(details.message ?? "error event in stream", secret: secret)
        let code: Code =
            if details.isContextLengthExceeded {
                .contextLengthExceeded
            } else if let status = details.code.flatMap(Int.init), (400..<500).contains(status) {
                .invalidRequest
            } else {
                .serverError
            }
        return LLMError(code: code, message: message, serverCode: details.code, serverType: details.type)
    }

    /// Classifies a transport failure from PapoHTTP.
    static func from(transport error: HTTPClientError) -> LLMError {
        let code: Code =
            switch error.code {
            case .timeout: .timeout
            case .couldNotResolveHost, .couldNotConnect, .tls, .transport: .unreachable
            case .responseTooLarge: .malformedResponse
            case .cancelled: .cancelled
            default: .invalidRequest
            }
        // HTTPClientError messages are libcurl's text, which never includes header values.
        return LLMError(code: code, message: error.message, cause: error)
    }
}

/// The fields of an error body, whatever its shape: OpenAI's envelope
/// `{"error":{"message","type","param","code"}}` (code a string, or an int for vLLM),
/// llama.cpp's `{"error":{"code":400,"message","type":"exceed_context_size_error",...}}`,
/// Ollama's `{"error":"text"}`, older vLLM's top-level `{"object":"error","message",...}` and
/// FastAPI's `{"detail":"text"}`.
struct ServerErrorDetails {
    var message: String?
    var type: String?
    var code: String?
    var isErrorEnvelope = false

    init(body: Data) {
        guard let json = try? JSONDecoder().decode(JSONValue.self, from: body) else {
            let text = String(decoding: body.prefix(500), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            message = text.isEmpty ? nil : text
            return
        }
        let error = json["error"]
        if let text = error?.stringValue {
            message = text
            isErrorEnvelope = true
            return
        }
        let envelope = error.flatMap { $0.objectValue == nil ? nil : $0 }
        let fields = envelope ?? json
        isErrorEnvelope = envelope != nil || json["object"]?.stringValue == "error"
        message = fields["message"]?.stringValue ?? json["detail"]?.stringValue
        type = fields["type"]?.stringValue
        code = fields["code"].flatMap { $0.stringValue ?? $0.intValue.map(String.init) }
    }

    /// The phrases that OpenAI, vLLM, llama.cpp and LiteLLM use for an oversized prompt.
    private static let contextPhrases = [
        "maximum context length", "context length exceeded", "context_length_exceeded",
        "exceeds the available context size", "maximum model length", "context window",
        "prompt is too long", "input is too long",
    ]

    var isContextLengthExceeded: Bool {
        if code == "context_length_exceeded" || type == "exceed_context_size_error" { return true }
        let text = (message ?? "").lowercased()
        return Self.contextPhrases.contains { text.contains($0) }
    }
}

/// Removes a secret from text that came from a server.
enum Redactor {
    static let mask = "<redacted>"

    /// Replaces every occurrence of `secret`, and every word that looks like a masked copy of
    /// it (OpenAI's 401 says "Incorrect API key provided: sk-abc1*****wxyz").
    static func scrub(_ text: String, secret: String?) -> String {
        guard let secret, !secret.isEmpty else { return text }
        let replaced = text.replacingOccurrences(of: secret, with: mask)
        let head = secret.count >= 8 ? String(secret.prefix(6)) : nil
        let tail = secret.count >= 8 ? String(secret.suffix(4)) : nil
        let words = replaced.split(separator: " ", omittingEmptySubsequences: false).map { word -> Substring in
            let bare = word.trimmingCharacters(in: .punctuationCharacters.subtracting(CharacterSet(charactersIn: "*")))
            let looksMasked = bare.contains("***")
            let sharesHead = head.map { bare.hasPrefix($0) } ?? false
            let sharesTail = tail.map { bare.count >= 8 && bare.hasSuffix($0) } ?? false
            return looksMasked || sharesHead || sharesTail ? Substring(mask) : word
        }
        return words.joined(separator: " ")
    }
}
