import PapoCore
import PapoHTTP

/// Reads Evolution's error answers (`{"status":400,"error":"Bad Request","response":{"message":[…]}}`)
/// into classified ``ProviderError``s.
enum EvolutionGatewayError {
    /// The error of a non-2xx gateway response, classified by HTTP status: 408, 429 and 5xx
    /// are retryable; 400 (bad request, number not on WhatsApp), 401/403 (wrong key) and 404
    /// (no such instance) are permanent.
    static func from(_ response: HTTPClientResponse) -> ProviderError {
        let body = ProviderTransport.json(response)
        var code = "http_\(response.status)"
        var parts: [String] = []
        if let error = body?.text("error") { parts.append(error) }
        for item in messages(body?["response"]?["message"] ?? body?["message"]) {
            if case .object = item, item["exists"]?.boolValue == false {
                // `sendText` to a number without WhatsApp answers 400 with `exists: false`.
                code = "not_on_whatsapp"
                parts.append("the number is not on WhatsApp")
            } else if let text = item.textValue {
                parts.append(text)
            }
        }
        var message = parts.isEmpty ? "gateway answered HTTP \(response.status)" : parts.joined(separator: ": ")
        if message.count > 300 { message = String(message.prefix(300)) + "…" }
        return ProviderError(
            ProviderError.classify(httpStatus: response.status), code: code, message: message, provider: .baileys,
            httpStatus: response.status, retryAfter: ProviderTransport.retryAfter(response))
    }

    private static func messages(_ value: JSONValue?) -> [JSONValue] {
        switch value {
        case .array(let items)?: items
        case let value?: [value]
        case nil: []
        }
    }
}
