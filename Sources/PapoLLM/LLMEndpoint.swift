public import PapoHTTP

/// Where and how to reach one OpenAI-compatible server: URL, credentials, model, dialect,
/// timeouts and prices. A tenant's own endpoint is derived from the default with
/// ``applying(_:)``.
///
/// The API key never appears in ``description``, `debugDescription` or a mirror, so printing or
/// logging an endpoint is safe.
public struct LLMEndpoint: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// The name of the body field that limits generated tokens.
    public enum MaxTokensField: String, Sendable, Hashable, Codable {
        /// `max_tokens`: understood by every server, deprecated by OpenAI and vLLM.
        case maxTokens = "max_tokens"
        /// `max_completion_tokens`: required by OpenAI's reasoning models.
        case maxCompletionTokens = "max_completion_tokens"
    }

    /// The server dialect.
    public var kind: Kind
    /// The API root: `https://api.openai.com/v1`, `http://localhost:8000/v1` (vLLM),
    /// `http://localhost:11434/v1` (Ollama), or `https://NAME.openai.azure.com` for Azure,
    /// whose deployment path is appended by the client.
    public var baseURL: String
    /// The secret key; `nil` or empty sends no credentials (local servers).
    public var apiKey: String?
    /// The model name sent in the body.
    public var model: String
    /// Azure only: the deployment in the path; `nil` uses ``model``.
    public var azureDeployment: String?
    /// Azure only: the `api-version` query value.
    public var azureAPIVersion: String
    /// Which max-tokens field to send; defaults per ``kind``.
    public var maxTokensField: MaxTokensField
    /// Whether streamed calls ask for a final usage chunk (`stream_options.include_usage`).
    public var includeStreamUsage: Bool
    /// Headers added to every call (e.g. `OpenAI-Organization`); they replace same-named ones.
    public var extraHeaders: HTTPClientHeaders
    /// Time allowed to connect, TLS included.
    public var connectTimeout: Duration
    /// Time allowed for a whole non-streaming call.
    public var timeout: Duration
    /// Time allowed for a whole streamed call, which is slower to finish but starts sooner.
    public var streamTimeout: Duration
    /// Prices used to estimate each call's cost; empty means no estimate.
    public var prices: LLMPriceTable
    /// Refuse internal addresses (see `HTTPClientRequest.refuseInternalAddresses`): set for a
    /// base URL a tenant supplied, never for the platform's own (often a local server).
    public var refuseInternalAddresses = false

    /// Creates an endpoint; `maxTokensField` defaults to the ``kind``'s usual field.
    public init(
        kind: Kind = .openAI, baseURL: String, apiKey: String? = nil, model: String,
        azureDeployment: String? = nil, azureAPIVersion: String = "2024-10-21",
        maxTokensField: MaxTokensField? = nil, includeStreamUsage: Bool = true,
        extraHeaders: HTTPClientHeaders = [:], connectTimeout: Duration = .seconds(10),
        timeout: Duration = .seconds(60), streamTimeout: Duration = .seconds(300),
        prices: LLMPriceTable = LLMPriceTable()
    ) {
        self.kind = kind
        self.baseURL = baseURL
        self.apiKey = apiKey
        self.model = model
        self.azureDeployment = azureDeployment
        self.azureAPIVersion = azureAPIVersion
        self.maxTokensField = maxTokensField ?? kind.defaultMaxTokensField
        self.includeStreamUsage = includeStreamUsage
        self.extraHeaders = extraHeaders
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.streamTimeout = streamTimeout
        self.prices = prices
    }

    /// Whether a non-empty API key is configured.
    public var hasAPIKey: Bool { !(apiKey ?? "").isEmpty }

    public var description: String {
        "LLMEndpoint(kind: \(kind), baseURL: \(baseURL), model: \(model), apiKey: \(hasAPIKey ? "<redacted>" : "none"))"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "kind": kind, "baseURL": baseURL, "model": model,
                "apiKey": hasAPIKey ? "<redacted>" : "none",
            ])
    }

    /// The full chat-completions URL: `{base}/chat/completions`, or for Azure
    /// `{base}/openai/deployments/{deployment}/chat/completions?api-version={version}`.
    var chatCompletionsURL: String {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        guard kind == .azure else { return base + "/chat/completions" }
        let deployment = Self.percentEncoded(azureDeployment ?? model)
        return base + "/openai/deployments/\(deployment)/chat/completions?api-version="
            + Self.percentEncoded(azureAPIVersion)
    }

    /// The headers of one call: JSON in, JSON or SSE out, credentials per dialect.
    func headers(streaming: Bool) -> HTTPClientHeaders {
        var headers: HTTPClientHeaders = [
            "Content-Type": "application/json",
            "Accept": streaming ? "text/event-stream" : "application/json",
        ]
        if let apiKey, !apiKey.isEmpty {
            if kind == .azure {
                headers.add(name: "api-key", value: apiKey)
            } else {
                headers.add(name: "Authorization", value: "Bearer \(apiKey)")
            }
        }
        for field in extraHeaders {
            headers.replaceOrAdd(name: field.name, value: field.value)
        }
        return headers
    }

    /// Percent-encodes everything outside RFC 3986's unreserved set, so a deployment name or
    /// version can never add path segments or query parameters.
    static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
                UInt8(ascii: "_"), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                let hex = String(byte, radix: 16, uppercase: true)
                result += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return result
    }
}
