import Foundation
public import Logging

/// An async HTTP client over libcurl's multi interface.
///
/// One client owns one curl multi handle and one dedicated thread that drives every transfer,
/// so thousands of concurrent requests cost sockets and memory, not threads. Calls suspend on
/// a continuation until the thread reports the result. Creating a client is cheap (the thread
/// and multi handle start with the first request); share one per process.
///
/// `Sendable` without `@unchecked`: the client's only stored state is its immutable
/// configuration and a `CurlMultiLoop`, whose shared state lives in a `Mutex`.
///
/// Cancelling the calling task aborts the transfer and the call throws `CancellationError`.
/// Call ``shutdown()`` before exit; dropping the last reference also stops the thread.
public final class HTTPClient: Sendable {
    /// The defaults applied to every request.
    public let configuration: Configuration
    let loop: CurlMultiLoop

    /// Creates a client.
    ///
    /// - Parameter logger: receives `debug` records with method, host, status and duration of
    ///   each request; never URLs' paths or queries, header values or bodies.
    public init(configuration: Configuration = Configuration(), logger: Logger? = nil) {
        self.configuration = configuration
        loop = CurlMultiLoop(configuration: configuration, logger: logger)
    }

    deinit {
        loop.requestShutdown()
    }

    /// Sends `request` and returns the whole response, whatever its status; use
    /// ``HTTPClientResponse/ensureSuccess()`` to turn non-2xx into an error.
    ///
    /// - Throws: ``HTTPClientError`` for transport failures, `CancellationError` when the
    ///   calling task is cancelled.
    public func execute(_ request: HTTPClientRequest) async throws -> HTTPClientResponse {
        let (id, options, host) = try prepare(request)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                loop.submit(
                    TransferJob(
                        id: id, request: request, options: options, sink: .buffered(continuation),
                        host: host))
            }
        } onCancel: {
            loop.cancel(id)
        }
    }

    /// Fails queued and in-flight requests with ``HTTPClientError/Code/cancelled``, stops the
    /// curl thread and frees libcurl resources. Later requests fail the same way. Idempotent.
    public func shutdown() async {
        await loop.shutdown()
    }

    /// Validates and registers a request. Nothing may throw after `register` without the id
    /// reaching `submit`, or the registration would never be released.
    func prepare(_ request: HTTPClientRequest) throws -> (UInt64, TransferOptions, String) {
        try request.validate()
        try CurlGlobal.ensureInitialised()
        try Task.checkCancellation()
        let options = TransferOptions(request: request, configuration: configuration)
        let host = loop.logger == nil ? "" : (URLComponents(string: request.url)?.host ?? "")
        return (loop.register(), options, host)
    }
}
