import PapoCore
import Testing

struct ProviderErrorTests {
    @Test(arguments: [130429, 131056, 131000, 1, 2, 131016, 131057, 4, 80007])
    func retryableMetaCodes(code: Int) {
        #expect(ProviderError.classifyMeta(code: code, httpStatus: 400) == .retryable)
        #expect(ProviderError.meta(code: code, message: "x", httpStatus: 400).isRetryable)
    }

    @Test func reEngagementNeedsATemplate() {
        let error = ProviderError.meta(
            code: 131047, message: "(#131047) Re-engagement message", details: "More than 24 hours have passed",
            httpStatus: 400)
        #expect(error.classification == .needsTemplate)
        #expect(error.code == "131047")
        #expect(error.provider == .meta)
        #expect(error.message == "(#131047) Re-engagement message — More than 24 hours have passed")
    }

    @Test(arguments: [
        131048, 131026, 131051, 100, 131008, 131009, 190, 0, 10, 200, 299, 368, 131031, 131049,
        131050, 132000, 132001, 132012, 132015,
    ])
    func permanentMetaCodes(code: Int) {
        #expect(ProviderError.classifyMeta(code: code, httpStatus: 400) == .permanent)
        // A listed permanent code stays permanent whatever HTTP status carries it.
        #expect(ProviderError.classifyMeta(code: code, httpStatus: 500) == .permanent)
    }

    @Test func unknownCodesFallBackToTheHTTPStatus() {
        #expect(ProviderError.classifyMeta(code: 999_999, httpStatus: 429) == .retryable)
        #expect(ProviderError.classifyMeta(code: 999_999, httpStatus: 503) == .retryable)
        #expect(ProviderError.classifyMeta(code: 999_999, httpStatus: 400) == .permanent)
        #expect(ProviderError.classifyMeta(code: nil, httpStatus: 500) == .retryable)
        #expect(ProviderError.classifyMeta(code: nil, httpStatus: 404) == .permanent)
        #expect(ProviderError.meta(code: nil, message: "", httpStatus: 502).code == "http_502")
    }

    @Test func bareHTTPStatuses() {
        #expect(ProviderError.classify(httpStatus: 408) == .retryable)
        #expect(ProviderError.classify(httpStatus: 429) == .retryable)
        #expect(ProviderError.classify(httpStatus: 500) == .retryable)
        #expect(ProviderError.classify(httpStatus: 599) == .retryable)
        #expect(ProviderError.classify(httpStatus: 400) == .permanent)
        #expect(ProviderError.classify(httpStatus: 401) == .permanent)
    }

    @Test func invalidMessageNamesTheField() {
        let error = ProviderError.invalidMessage(FieldError("text.body", "must not be empty"), provider: .sandbox)
        #expect(error.classification == .permanent)
        #expect(error.code == "invalid_message")
        #expect(error.message == "text.body: must not be empty")
        #expect(
            error.description == "ProviderError(permanent, code invalid_message, sandbox): text.body: must not be empty"
        )
    }
}
