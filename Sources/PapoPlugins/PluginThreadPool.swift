import Dispatch
import Foundation
import Synchronization

/// Threads that run blocking plugin calls, away from Swift's cooperative pool.
///
/// A call that overruns its timeout cannot be stopped in-process: its thread stays busy until
/// the plugin returns. So each timeout adds a replacement thread, and a thread that finishes
/// an abandoned job while the pool is over strength exits — hung calls never starve the rest.
final class PluginThreadPool: Sendable {
    private struct State {
        var jobs: [@Sendable () -> Void] = []
        var head = 0
        var surplus = 0
    }

    private let state = Mutex(State())
    private let available = DispatchSemaphore(value: 0)

    /// Starts `size` worker threads.
    init(size: Int) {
        for index in 0..<max(1, size) { startWorker(index) }
    }

    /// Runs `work` on a pool thread; `nil` when it did not finish within `timeout`.
    func run<T: Sendable>(timeout: Duration, _ work: @escaping @Sendable () -> T) async -> T? {
        await withCheckedContinuation { (continuation: CheckedContinuation<T?, Never>) in
            let once = Once(continuation)
            submit {
                let value = work()
                once.resume(value)
            }
            let nanoseconds =
                timeout.components.seconds * 1_000_000_000 + timeout.components.attoseconds / 1_000_000_000
            DispatchQueue.global().asyncAfter(deadline: .now() + .nanoseconds(Int(nanoseconds))) { [self] in
                if once.resume(nil) { replaceStuckThread() }
            }
        }
    }

    private func submit(_ job: @escaping @Sendable () -> Void) {
        state.withLock { $0.jobs.append(job) }
        available.signal()
    }

    private func replaceStuckThread() {
        state.withLock { $0.surplus += 1 }
        startWorker(-1)
    }

    private func startWorker(_ index: Int) {
        let thread = Thread { [self] in
            while true {
                available.wait()
                let job = state.withLock { state -> (@Sendable () -> Void)? in
                    guard state.head < state.jobs.count else { return nil }
                    let job = state.jobs[state.head]
                    state.head += 1
                    // Compact now and then instead of shifting the array on every pop.
                    if state.head > 64, state.head * 2 > state.jobs.count {
                        state.jobs.removeFirst(state.head)
                        state.head = 0
                    }
                    return job
                }
                job?()
                let retire = state.withLock { state -> Bool in
                    guard state.surplus > 0 else { return false }
                    state.surplus -= 1
                    return true
                }
                if retire { return }
            }
        }
        thread.name = "papo-plugin-\(index)"
        thread.start()
    }
}

/// A continuation resumed by whichever of result and timeout comes first.
private final class Once<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T?, Never>?>

    init(_ continuation: CheckedContinuation<T?, Never>) { self.continuation = Mutex(continuation) }

    /// Resumes if nobody did yet; returns whether this call did.
    @discardableResult
    func resume(_ value: T?) -> Bool {
        guard let continuation = continuation.withLock({ $0.take() }) else { return false }
        continuation.resume(returning: value)
        return true
    }
}
