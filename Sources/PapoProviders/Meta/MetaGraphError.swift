import PapoCore
import PapoHTTP

/// Reads the Graph API error envelope (meta-cloud-api.md §2.1) and the webhook error object
/// (§2.2) into classified ``ProviderError``s.
enum MetaGraphError {
    /// The error of a non-2xx Graph response. Bodies that are not the envelope (a proxy's
    /// HTML page) are classified by HTTP status alone.
    static func from(_ response: HTTPClientResponse) -> ProviderError {
        let retryAfter = ProviderTransport.retryAfter(response)
        guard let error = ProviderTransport.json(response)?["error"], error.objectValue != nil else {
            return ProviderError.meta(
                code: nil, message: "Graph API answered HTTP \(response.status)", httpStatus: response.status,
                retryAfter: retryAfter)
        }
        return from(error, httpStatus: response.status, retryAfter: retryAfter)
    }

    /// An error object from a response or a webhook (`statuses[].errors[]`,
    /// `messages[].errors[]`). Webhook objects have `title` where responses have `message`.
    static func from(_ error: JSONValue, httpStatus: Int? = nil, retryAfter: Duration? = nil) -> ProviderError {
        ProviderError.meta(
            code: error["code"]?.intValue,
            message: error.text("message") ?? error.text("title") ?? "",
            details: error["error_data"]?.text("details"),
            httpStatus: httpStatus, retryAfter: retryAfter)
    }
}
