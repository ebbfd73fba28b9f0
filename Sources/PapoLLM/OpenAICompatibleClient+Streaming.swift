import Foundation
import PapoHTTP

extension OpenAICompatibleClient {
    public func stream(_ request: LLMRequest) -> AsyncThrowingStream<LLMStreamEvent, any Error> {
        let (events, continuation) = AsyncThrowingStream.makeStream(of: LLMStreamEvent.self, throwing: (any Error).self)
        let task = Task {
            do {
                try await runStream(request, into: continuation)
                continuation.finish()
            } catch {
                continuation.finish(throwing: error)
            }
        }
        // The consumer stopping early (or being cancelled) aborts the transfer.
        continuation.onTermination = { _ in task.cancel() }
        return events
    }

    private func runStream(
        _ request: LLMRequest, into continuation: AsyncThrowingStream<LLMStreamEvent, any Error>.Continuation
    ) async throws {
        let model = request.model ?? endpoint.model
        let httpRequest = try makeHTTPRequest(request, model: model, stream: true)
        let started = ContinuousClock.now
        // Only getting a 2xx head is retried: once deltas went out, a retry would repeat them.
        let (response, attemptStarted, attempt) = try await withRetries { attempt in
            let attemptStarted = ContinuousClock.now
            let response: HTTPClientStreamingResponse
            do {
                response = try await http.stream(httpRequest)
            } catch let error as HTTPClientError {
                throw LLMError.from(transport: error)
            }
            guard response.isSuccess else {
                let body = try await response.collect()
                throw LLMError.from(
                    status: response.status, headers: response.headers, body: body, secret: endpoint.apiKey)
            }
            return (response, attemptStarted, attempt)
        }

        var assembler = CompletionAssembler()
        var firstToken: Duration?
        var sawDone = false
        do {
            for try await event in response.serverSentEvents() {
                let data = event.data.trimmingCharacters(in: .whitespacesAndNewlines)
                if data == "[DONE]" {
                    sawDone = true
                    break
                }
                if data.isEmpty { continue }
                let bytes = Data(data.utf8)
                if event.event == "error" || data.contains("\"error\"") {
                    if let error = LLMError.fromStreamError(bytes, secret: endpoint.apiKey) {
                        throw error
                    }
                }
                let chunk: ChatCompletionChunk
                do {
                    chunk = try JSONDecoder().decode(ChatCompletionChunk.self, from: bytes)
                } catch {
                    throw LLMError(
                        code: .malformedResponse, message: "stream event is not a completion chunk", cause: error)
                }
                let produced = assembler.add(chunk)
                if firstToken == nil, !produced.isEmpty { firstToken = ContinuousClock.now - attemptStarted }
                for event in produced { continuation.yield(event) }
            }
        } catch let error as CancellationError {
            throw error
        } catch {
            var failure = Self.llmError(error)
            failure.attempts = attempt
            throw failure
        }
        // Without [DONE] or a finish reason the reply may be cut anywhere; passing it on as
        // complete would send a customer half a sentence.
        guard sawDone || assembler.finishReason != nil else {
            throw LLMError(
                code: .malformedResponse, message: "stream ended before the completion finished", attempts: attempt)
        }
        let completion = finish(
            id: assembler.id, model: assembler.model ?? model, requestedModel: model, message: assembler.message,
            finishReason: assembler.finishReason, usage: assembler.usage,
            latency: ContinuousClock.now - attemptStarted, timeToFirstToken: firstToken, attempt: attempt,
            started: started)
        continuation.yield(.completed(completion))
    }
}
