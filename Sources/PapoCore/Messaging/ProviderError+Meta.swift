extension ProviderError {
    /// Meta error codes worth retrying (meta-cloud-api.md §2.3): throughput (130429), pair
    /// rate (131056), app and WABA rate limits (4, 80007), unknown and server errors
    /// (131000, 1, 2, 131016) and account maintenance (131057).
    public static let metaRetryableCodes: Set<Int> = [130429, 131056, 4, 80007, 131000, 1, 2, 131016, 131057]

    /// The re-engagement error: more than 24 hours since the customer last wrote.
    public static let metaReEngagementCode = 131047

    /// Meta codes the reference lists as not worth retrying. Listing them (instead of only
    /// falling through) keeps a permanent code permanent even when it arrives with HTTP 429 or
    /// 5xx: Meta says to build error handling on codes, not HTTP statuses.
    public static let metaPermanentCodes: Set<Int> = [
        131048, 131026, 131051, 100, 131008, 131009, 190, 0, 10, 368, 131031, 131049, 131050,
        132000, 132001, 132012, 132015,
    ]

    /// Classifies a Meta error by its code first; codes the reference does not list fall back
    /// to the HTTP status (429 and 5xx retryable), because integrators see throttling as
    /// HTTP 429 without a listed code.
    public static func classifyMeta(code: Int?, httpStatus: Int?) -> Classification {
        if let code {
            if code == metaReEngagementCode { return .needsTemplate }
            if metaRetryableCodes.contains(code) { return .retryable }
            if metaPermanentCodes.contains(code) || (200...299).contains(code) { return .permanent }
        }
        if let httpStatus { return classify(httpStatus: httpStatus) }
        return .permanent
    }

    /// A classified Meta error. `message` is Meta's own text (`(#130429) Rate limit hit`);
    /// `details` (`error_data.details`) is appended when present.
    public static func meta(
        code: Int?, message: String, details: String? = nil, httpStatus: Int? = nil, retryAfter: Duration? = nil
    ) -> ProviderError {
        var text = message.isEmpty ? "Meta error" : message
        if let details, !details.isEmpty, details != message { text += " — " + details }
        return ProviderError(
            classifyMeta(code: code, httpStatus: httpStatus),
            code: code.map(String.init) ?? httpStatus.map { "http_\($0)" } ?? "unexpected_response",
            message: text, provider: .meta, httpStatus: httpStatus, retryAfter: retryAfter)
    }
}
