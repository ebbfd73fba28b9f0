import CCurl
import Foundation
import Logging
import Synchronization

/// The status line and headers of the final response, handed to a streaming caller.
struct ResponseHead: Sendable {
    var status: Int
    var headers: HTTPClientHeaders
}

/// How the loop thread reports the outcome of one transfer.
enum TransferSink: Sendable {
    case buffered(CheckedContinuation<HTTPClientResponse, any Error>)
    case streaming(
        head: CheckedContinuation<ResponseHead, any Error>,
        body: AsyncThrowingStream<Data, any Error>.Continuation)

    /// Fails a transfer that never reached libcurl.
    func fail(_ error: any Error) {
        switch self {
        case .buffered(let continuation):
            continuation.resume(throwing: error)
        case .streaming(let head, let body):
            head.resume(throwing: error)
            body.finish(throwing: error)
        }
    }
}

/// Everything the loop thread needs to run one request, built by the submitting task.
struct TransferJob: Sendable {
    let id: UInt64
    let request: HTTPClientRequest
    let options: TransferOptions
    let sink: TransferSink
    /// Only the host is logged: paths and queries may carry tokens (`?access_token=`).
    let host: String
}

/// A libcurl multi handle shared between the loop thread and submitting tasks.
///
/// `@unchecked Sendable` is safe because, apart from the loop thread that owns the handle,
/// the only call ever made on it is `curl_multi_wakeup`, which libcurl documents as callable
/// from any thread. `CurlMultiLoop` makes that call only while holding its mutex and only in
/// the `running`/`stopping` states; the loop thread moves to `stopped` under the same mutex
/// before `curl_multi_cleanup`, so no wakeup can touch a freed handle.
struct CurlMultiHandle: @unchecked Sendable {
    let raw: UnsafeMutableRawPointer
}

/// The submission side of the single curl thread: a mutex-protected queue of new transfers
/// and cancellations, and the lifecycle of the thread. Easy handles never pass through
/// here; the loop thread creates, drives and frees them (see `CurlLoopRunner`).
final class CurlMultiLoop: Sendable {
    private enum Lifecycle {
        case idle
        case running(CurlMultiHandle)
        case stopping(CurlMultiHandle)
        case stopped
    }

    /// Where a registered request is, so a cancellation racing its submission is not lost.
    private enum Phase {
        case registered
        case cancelledEarly
        case inFlight
    }

    private struct State {
        var lifecycle = Lifecycle.idle
        var nextID: UInt64 = 0
        var phases: [UInt64: Phase] = [:]
        var submissions: [TransferJob] = []
        var cancellations: [UInt64] = []
        var stopWaiters: [CheckedContinuation<Void, Never>] = []
    }

    /// What the loop thread picks up on each turn.
    struct Batch: Sendable {
        var jobs: [TransferJob]
        var cancellations: [UInt64]
        var stopping: Bool
    }

    private let state = Mutex(State())
    private let configuration: HTTPClient.Configuration
    let logger: Logger?

    init(configuration: HTTPClient.Configuration, logger: Logger?) {
        self.configuration = configuration
        self.logger = logger
    }

    /// Reserves an id before the cancellation handler is installed, so `cancel` can tell
    /// "not submitted yet" from "already finished".
    func register() -> UInt64 {
        state.withLock { state in
            state.nextID += 1
            state.phases[state.nextID] = .registered
            return state.nextID
        }
    }

    /// Hands a job to the loop thread, starting the thread on first use.
    func submit(_ job: TransferJob) {
        enum Outcome {
            case queued
            case start(CurlMultiHandle)
            case cancelled
            case refused(HTTPClientError)
        }
        let outcome = state.withLock { state -> Outcome in
            if case .cancelledEarly = state.phases[job.id] {
                state.phases[job.id] = nil
                return .cancelled
            }
            switch state.lifecycle {
            case .stopping, .stopped:
                state.phases[job.id] = nil
                return .refused(HTTPClientError(code: .cancelled, message: "HTTP client is shut down"))
            case .running(let multi):
                state.phases[job.id] = .inFlight
                state.submissions.append(job)
                curl_multi_wakeup(multi.raw)
                return .queued
            case .idle:
                guard let raw = curl_multi_init() else {
                    state.phases[job.id] = nil
                    return .refused(HTTPClientError(code: .transport, message: "curl_multi_init failed"))
                }
                _ = papo_curl_multi_setopt_long(
                    raw, CURLMOPT_MAX_HOST_CONNECTIONS, configuration.maxConnectionsPerHost)
                _ = papo_curl_multi_setopt_long(
                    raw, CURLMOPT_MAX_TOTAL_CONNECTIONS, configuration.maxTotalConnections)
                let multi = CurlMultiHandle(raw: raw)
                state.lifecycle = .running(multi)
                state.phases[job.id] = .inFlight
                state.submissions.append(job)
                return .start(multi)
            }
        }
        switch outcome {
        case .queued:
            break
        case .start(let multi):
            // The thread keeps `self` alive until it has cleaned up the multi handle.
            let thread = Thread { [self] in
                CurlLoopRunner(loop: self, multi: multi).run()
            }
            thread.name = "papo-http-curl"
            thread.start()
        case .cancelled:
            job.sink.fail(CancellationError())
        case .refused(let error):
            job.sink.fail(error)
        }
    }

    /// Asks the loop thread to abort a request; a no-op once the request has finished.
    func cancel(_ id: UInt64) {
        state.withLock { state in
            switch state.phases[id] {
            case .registered:
                state.phases[id] = .cancelledEarly
            case .inFlight:
                state.cancellations.append(id)
                switch state.lifecycle {
                case .running(let multi), .stopping(let multi):
                    curl_multi_wakeup(multi.raw)
                case .idle, .stopped:
                    break
                }
            case .cancelledEarly, nil:
                break
            }
        }
    }

    /// Stops the thread after failing every queued and in-flight request; returns once the
    /// multi handle is freed. Safe to call more than once.
    func shutdown() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let finished = state.withLock { state -> Bool in
                beginStopping(&state)
                if case .stopped = state.lifecycle { return true }
                state.stopWaiters.append(continuation)
                return false
            }
            if finished { continuation.resume() }
        }
    }

    /// Starts stopping without waiting, for `deinit`.
    func requestShutdown() {
        state.withLock { beginStopping(&$0) }
    }

    private func beginStopping(_ state: inout State) {
        switch state.lifecycle {
        case .idle:
            state.lifecycle = .stopped
        case .running(let multi):
            state.lifecycle = .stopping(multi)
            curl_multi_wakeup(multi.raw)
        case .stopping, .stopped:
            break
        }
    }

    // MARK: Called on the loop thread only

    func takeBatch() -> Batch {
        state.withLock { state in
            let stopping = if case .stopping = state.lifecycle { true } else { false }
            defer {
                state.submissions.removeAll()
                state.cancellations.removeAll()
            }
            return Batch(
                jobs: state.submissions, cancellations: state.cancellations, stopping: stopping)
        }
    }

    /// Forgets a finished request, so a late `cancel` for it does nothing.
    func retire(_ id: UInt64) {
        _ = state.withLock { $0.phases.removeValue(forKey: id) }
    }

    /// Marks the loop stopped; after this no thread touches the multi handle but the caller.
    func markStopped() -> [CheckedContinuation<Void, Never>] {
        state.withLock { state in
            state.lifecycle = .stopped
            defer { state.stopWaiters.removeAll() }
            return state.stopWaiters
        }
    }
}
