import Foundation

extension HTTPClient {
    /// Sends `request` and returns as soon as the final status and headers are known, with
    /// the body delivered chunk by chunk as it arrives (for server-sent events and other
    /// long responses).
    ///
    /// The response size cap and total timeout still apply to the whole stream; set
    /// ``HTTPClientRequest/timeout`` to `.zero` for open-ended streams. Chunks are buffered
    /// without limit until read, so read the body promptly. Stopping the iteration early,
    /// dropping the body or cancelling the reading task aborts the transfer.
    ///
    /// - Throws: ``HTTPClientError`` when the transfer fails before the headers arrive,
    ///   `CancellationError` when the calling task is cancelled. Failures after that are
    ///   thrown by the body sequence.
    public func stream(_ request: HTTPClientRequest) async throws -> HTTPClientStreamingResponse {
        let (id, options, host) = try prepare(request)
        let (body, bodyContinuation) = AsyncThrowingStream.makeStream(
            of: Data.self, throwing: (any Error).self)
        bodyContinuation.onTermination = { termination in
            // Capturing `self` keeps the client, and so its thread, alive while a caller is
            // still reading the body of a response it got from a client it then dropped.
            if case .cancelled = termination { self.loop.cancel(id) }
        }
        let head = try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ResponseHead, any Error>) in
                loop.submit(
                    TransferJob(
                        id: id, request: request, options: options,
                        sink: .streaming(head: continuation, body: bodyContinuation), host: host))
            }
        } onCancel: {
            loop.cancel(id)
        }
        return HTTPClientStreamingResponse(status: head.status, headers: head.headers, body: body)
    }
}
