import Foundation
public import Logging
public import PapoHTTP

/// An ``LLMClient`` for any OpenAI-compatible chat-completions server (OpenAI, Azure OpenAI,
/// vLLM, llama.cpp, Ollama, LiteLLM), over PapoHTTP.
///
/// A client is a small value bound to one ``LLMEndpoint``; make one per tenant endpoint (see
/// ``LLMEndpoint/applying(_:)``) around one shared `HTTPClient`, whose single curl thread
/// serves every call.
public struct OpenAICompatibleClient: LLMClient {
    /// Where calls go and how they authenticate.
    public var endpoint: LLMEndpoint
    /// When failed calls are tried again.
    public var retryPolicy: RetryPolicy
    let http: HTTPClient
    let logger: Logger

    /// Creates a client.
    ///
    /// - Parameter logger: receives a `debug` record per call (kind, model, attempts, latency,
    ///   tokens) and a `warning` per retry; never the key, headers, URLs or message text.
    public init(
        endpoint: LLMEndpoint, httpClient: HTTPClient, retryPolicy: RetryPolicy = .standard, logger: Logger? = nil
    ) {
        self.endpoint = endpoint
        self.retryPolicy = retryPolicy
        self.http = httpClient
        self.logger = logger ?? Logger(label: "papo.llm", factory: { _ in SwiftLogNoOpLogHandler() })
    }

    public func complete(_ request: LLMRequest) async throws -> LLMCompletion {
        let model = request.model ?? endpoint.model
        let httpRequest = try makeHTTPRequest(request, model: model, stream: false)
        let started = ContinuousClock.now
        return try await withRetries { attempt in
            let attemptStarted = ContinuousClock.now
            let response: HTTPClientResponse
            do {
                response = try await http.execute(httpRequest)
            } catch let error as HTTPClientError {
                throw LLMError.from(transport: error)
            }
            let latency = ContinuousClock.now - attemptStarted
            guard response.isSuccess else {
                throw LLMError.from(
                    status: response.status, headers: response.headers, body: response.body, secret: endpoint.apiKey)
            }
            let decoded: ChatCompletionResponse
            do {
                decoded = try JSONDecoder().decode(ChatCompletionResponse.self, from: response.body)
            } catch {
                throw LLMError(
                    code: .malformedResponse, message: "response is not a chat completion", status: response.status,
                    cause: error)
            }
            guard let message = decoded.firstMessage else {
                if let streamed = LLMError.fromStreamError(response.body, secret: endpoint.apiKey) { throw streamed }
                throw LLMError(code: .malformedResponse, message: "response has no choices", status: response.status)
            }
            return finish(
                id: decoded.id, model: decoded.model ?? model, requestedModel: model, message: message,
                finishReason: decoded.choices.first?.finishReason, usage: decoded.usage, latency: latency,
                timeToFirstToken: nil, attempt: attempt, started: started)
        }
    }

    /// Builds the HTTP request of one call.
    func makeHTTPRequest(_ request: LLMRequest, model: String, stream: Bool) throws -> HTTPClientRequest {
        let body = ChatCompletionBody(
            request: request, model: model, maxTokensField: endpoint.maxTokensField, stream: stream,
            includeStreamUsage: endpoint.includeStreamUsage)
        let encoder = JSONEncoder()
        // Sorted keys make identical requests byte-identical, which helps server-side prompt
        // caches and makes recorded bodies comparable.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data: Data
        do {
            data = try encoder.encode(body)
        } catch {
            throw LLMError(code: .invalidRequest, message: "request could not be encoded as JSON", cause: error)
        }
        var httpRequest = HTTPClientRequest(
            method: .post, url: endpoint.chatCompletionsURL, headers: endpoint.headers(streaming: stream), body: data)
        httpRequest.connectTimeout = endpoint.connectTimeout
        httpRequest.timeout = stream ? endpoint.streamTimeout : endpoint.timeout
        httpRequest.refuseInternalAddresses = endpoint.refuseInternalAddresses
        return httpRequest
    }

    /// Runs `operation` until it succeeds, fails permanently, or the policy gives up. Every
    /// failure leaves as an ``LLMError`` carrying the attempt count; cancellation stays as is.
    func withRetries<T>(_ operation: (_ attempt: Int) async throws -> T) async throws -> T {
        var attempt = 1
        while true {
            do {
                return try await operation(attempt)
            } catch let error as CancellationError {
                throw error
            } catch {
                var failure = Self.llmError(error)
                failure.attempts = attempt
                guard let delay = retryPolicy.delay(afterAttempt: attempt, error: failure) else { throw failure }
                logger.warning(
                    "LLM call failed, retrying",
                    metadata: [
                        "llm.kind": "\(endpoint.kind)", "llm.error": "\(failure.code)",
                        "llm.status": "\(failure.status.map(String.init) ?? "-")", "llm.attempt": "\(attempt)",
                        "llm.retry_in_ms": "\(Self.milliseconds(delay))",
                    ])
                try await Task.sleep(for: delay)
                attempt += 1
            }
        }
    }

    /// Builds the completion of a successful attempt, with cost, and logs it.
    func finish(
        id: String?, model: String, requestedModel: String, message: ChatMessage, finishReason: FinishReason?,
        usage: LLMUsage?, latency: Duration, timeToFirstToken: Duration?, attempt: Int, started: ContinuousClock.Instant
    ) -> LLMCompletion {
        let cost = usage.flatMap {
            endpoint.prices.cost(of: $0, model: model) ?? endpoint.prices.cost(of: $0, model: requestedModel)
        }
        let completion = LLMCompletion(
            id: id, model: model, message: message, finishReason: finishReason, usage: usage, cost: cost,
            latency: latency, timeToFirstToken: timeToFirstToken, attempts: attempt,
            totalDuration: ContinuousClock.now - started)
        logger.debug(
            "LLM call finished",
            metadata: [
                "llm.kind": "\(endpoint.kind)", "llm.model": "\(model)", "llm.attempts": "\(attempt)",
                "llm.latency_ms": "\(Self.milliseconds(latency))",
                "llm.finish_reason": "\(finishReason?.rawValue ?? "-")",
                "llm.prompt_tokens": "\(usage?.promptTokens ?? 0)",
                "llm.completion_tokens": "\(usage?.completionTokens ?? 0)",
            ])
        return completion
    }

    static func llmError(_ error: any Error) -> LLMError {
        switch error {
        case let error as LLMError: error
        case let error as HTTPClientError: .from(transport: error)
        default: LLMError(code: .malformedResponse, message: "unexpected failure", cause: error)
        }
    }

    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }
}
