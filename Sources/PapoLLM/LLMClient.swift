/// The engine's seam to a language model: one chat-completions call, whole or streamed.
///
/// ``OpenAICompatibleClient`` is the real implementation; tests of the layers above use an
/// in-memory fake.
public protocol LLMClient: Sendable {
    /// Runs `request` and returns the finished completion, retrying transient failures.
    ///
    /// - Throws: ``LLMError`` when the call fails for good; `CancellationError` when the
    ///   calling task is cancelled.
    func complete(_ request: LLMRequest) async throws -> LLMCompletion

    /// Runs `request` as a stream of deltas ending with ``LLMStreamEvent/completed(_:)``.
    /// Failures before the first event are retried like ``complete(_:)``; later ones end the
    /// stream with an ``LLMError``. Stopping the iteration cancels the call.
    func stream(_ request: LLMRequest) -> AsyncThrowingStream<LLMStreamEvent, any Error>
}
