import Foundation
public import Logging
public import PapoPostgres
public import PapoStore
public import ServiceLifecycle
import Synchronization

/// Claims due conversations and runs their turns, as a long-lived service.
///
/// It wakes on `NOTIFY papo_turns` (sent when a message arrives), at the earliest debounce
/// deadline, and on a slow poll that covers missed notifications. Each claimed turn runs
/// concurrently with others (up to ``Configuration/maxConcurrentTurns``) while its lease is
/// renewed; the lease in the row is what keeps two turns of one conversation from ever
/// running at once, on this instance or any other. On graceful shutdown it stops claiming
/// and lets in-flight turns finish.
public final class TurnWorker: Service, Sendable {
    /// Scheduling settings.
    public struct Configuration: Sendable {
        /// The name written to `locked_by`; unique per process.
        public var workerID: String
        /// Turns run at once by this worker.
        public var maxConcurrentTurns: Int
        /// How long a claim stays ours without renewal; renewed every third of it.
        public var lease: Duration
        /// The slow poll behind LISTEN/NOTIFY wake-ups.
        public var pollInterval: Duration
        /// Wait before a turn that failed (database error) is tried again.
        public var failureRetry: Duration

        public init(
            workerID: String = TurnWorker.defaultWorkerID(), maxConcurrentTurns: Int = 64,
            lease: Duration = .seconds(30), pollInterval: Duration = .seconds(2), failureRetry: Duration = .seconds(5)
        ) {
            self.workerID = workerID
            self.maxConcurrentTurns = max(1, maxConcurrentTurns)
            self.lease = lease
            self.pollInterval = pollInterval
            self.failureRetry = failureRetry
        }
    }

    let store: ConversationStore
    let runner: TurnRunner
    let listener: PostgresListener?
    let configuration: Configuration
    let logger: Logger
    private let signal = TurnWakeSignal()
    private let inFlight = Mutex(0)

    /// Creates a worker; `listener` (already running or run by the service group) delivers
    /// the wake-ups, and without it the worker relies on deadlines and polling alone.
    public init(
        store: ConversationStore, runner: TurnRunner, listener: PostgresListener?,
        configuration: Configuration = Configuration(), logger: Logger
    ) {
        self.store = store
        self.runner = runner
        self.listener = listener
        self.configuration = configuration
        self.logger = logger
    }

    /// Host, process id and a random suffix: readable in `locked_by`, unique across restarts.
    public static func defaultWorkerID() -> String {
        let host = ProcessInfo.processInfo.hostName
        return "\(host)-\(getpid())-\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Runs until graceful shutdown or cancellation; in-flight turns finish first.
    public func run() async throws {
        let wakeups = listener?.events(channel: ConversationStore.turnsChannel)
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                if let wakeups {
                    group.addTask {
                        for await _ in wakeups { self.signal.fire() }
                    }
                }
                await self.schedule()
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.signal.finish()
        }
    }

    /// Stops claiming new turns; ``run()`` returns once in-flight turns finish.
    public func stop() {
        signal.finish()
    }

    /// Turns running now.
    public var runningTurns: Int { inFlight.withLock { $0 } }

    private func schedule() async {
        await withDiscardingTaskGroup { group in
            while !signal.isFinished, !Task.isCancelled {
                let free = configuration.maxConcurrentTurns - inFlight.withLock { $0 }
                var claimed: [ClaimedTurn] = []
                var nextDue: Duration?
                if free > 0 {
                    do {
                        let claim = try await store.claim(
                            limit: free, worker: configuration.workerID, lease: configuration.lease)
                        claimed = claim.turns
                        nextDue = claim.nextDueIn
                    } catch {
                        logger.error("claiming due turns failed", metadata: ["error": "\(error)"])
                        await signal.wait(upTo: configuration.pollInterval)
                        continue
                    }
                }
                for turn in claimed {
                    inFlight.withLock { $0 += 1 }
                    group.addTask {
                        await self.execute(turn)
                        let wasFull = self.inFlight.withLock { count in
                            defer { count -= 1 }
                            return count >= self.configuration.maxConcurrentTurns
                        }
                        // Only a full worker may have left due turns unclaimed; otherwise new
                        // work arrives by NOTIFY (a turn that leaves its conversation due sends
                        // one), and claiming after every turn would double the queries per turn.
                        if wasFull { self.signal.fire() }
                    }
                }
                // A full batch suggests more are due right now.
                if free > 0, claimed.count == free { continue }
                await signal.wait(upTo: nextWait(canClaim: free > claimed.count, due: nextDue))
            }
        }
    }

    /// Until the earliest debounce deadline (as the claim reported it), capped by the poll
    /// interval.
    private func nextWait(canClaim: Bool, due: Duration?) -> Duration {
        guard canClaim, let due else { return configuration.pollInterval }
        // A floor keeps a row that is due but briefly locked by another claimer from spinning us.
        return min(configuration.pollInterval, max(due, .milliseconds(20)))
    }

    /// Runs one turn while renewing its lease; a lost lease cancels the turn.
    private func execute(_ turn: ClaimedTurn) async {
        let metadata: Logger.Metadata = ["conversation": "\(turn.conversation.id)"]
        do {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { _ = try await self.runner.run(turn) }
                group.addTask { try await self.renewLease(turn) }
                try await group.next()
                group.cancelAll()
            }
        } catch is TurnLeaseLostError {
            logger.warning("turn lease lost; another worker owns the conversation", metadata: metadata)
        } catch {
            logger.error("turn failed; it will be retried", metadata: metadata.merging(["error": "\(error)"]) { $1 })
            try? await store.releaseTurn(turn, retryAfter: configuration.failureRetry)
        }
    }

    private func renewLease(_ turn: ClaimedTurn) async throws {
        while true {
            try await Task.sleep(for: configuration.lease / 3)
            guard try await store.renewLease(turn, lease: configuration.lease) else {
                throw TurnLeaseLostError(conversationID: turn.conversation.id, worker: turn.worker)
            }
        }
    }
}
