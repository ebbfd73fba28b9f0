import DequeModule
public import Logging
import NIOPosix
public import ServiceLifecycle
import Synchronization

/// A bounded pool of libpq connections whose blocking calls run on a dedicated thread pool
/// sized to the pool, so the cooperative pool never blocks and the shared NIO singleton pool
/// (sized to the core count) never caps database concurrency.
public final class PostgresPool: Sendable, Service {
    public let configuration: PostgresConfiguration
    private let threadPool: NIOThreadPool
    private let state = Mutex(State())
    private let logger: Logger

    struct State {
        var idle: [PostgresConnection] = []
        var open = 0
        var waiters: Deque<Waiter> = []
        var nextWaiterID = 0
        var closed = false
    }

    /// A caller waiting for a connection. It is resumed with an idle connection, or with `nil`
    /// meaning "a slot is yours: open a new connection".
    struct Waiter {
        var id: Int
        var continuation: CheckedContinuation<PostgresConnection?, any Error>
    }

    public init(configuration: PostgresConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        threadPool = NIOThreadPool(numberOfThreads: configuration.maxConnections)
        threadPool.start()
    }

    /// Runs until graceful shutdown, then closes every connection.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }

    /// Closes idle connections, fails waiters and stops the thread pool. Connections lent out
    /// are closed when they come back.
    public func close() async {
        let (idle, waiters) = state.withLock { state -> ([PostgresConnection], Deque<Waiter>) in
            state.closed = true
            defer {
                state.idle = []
                state.waiters = []
            }
            state.open -= state.idle.count
            return (state.idle, state.waiters)
        }
        for waiter in waiters {
            waiter.continuation.resume(throwing: PostgresError(.poolClosed, "the database pool is shut down"))
        }
        for connection in idle { connection.close() }
        try? await threadPool.shutdownGracefully()
    }

    /// Lends a connection to `body`, which runs on the pool's own thread.
    ///
    /// A connection that broke during `body` is closed and replaced, never lent again; one left
    /// inside a transaction is rolled back first.
    @discardableResult
    public func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> Result
    ) async throws -> Result {
        let connection = try await acquire()
        do {
            let result = try await threadPool.runIfActive { [connection] in
                defer { self.cleanUp(connection) }
                return try body(connection)
            }
            release(connection)
            return result
        } catch {
            release(connection)
            throw error
        }
    }

    /// Runs `body` inside `BEGIN … COMMIT`; any thrown error rolls the transaction back.
    @discardableResult
    public func withTransaction<Result: Sendable>(
        _ body: @escaping @Sendable (PostgresConnection) throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in
            // BEGIN travels with the first statement (see `PostgresConnection.pendingBegin`).
            connection.pendingBegin = true
            do {
                let result = try body(connection)
                if connection.pendingBegin {
                    connection.pendingBegin = false
                } else {
                    try connection.execute(script: "COMMIT")
                }
                return result
            } catch {
                if connection.pendingBegin {
                    connection.pendingBegin = false
                } else {
                    try? connection.execute(script: "ROLLBACK")
                }
                throw error
            }
        }
    }

    /// Runs one statement on any connection.
    @discardableResult
    public func query(_ query: SQLQuery) async throws -> PostgresResult {
        try await withConnection { try $0.query(query) }
    }

    /// Connections open now and how many are idle (for health output).
    public var statistics: (open: Int, idle: Int, waiting: Int) {
        state.withLock { ($0.open, $0.idle.count, $0.waiters.count) }
    }

    // MARK: - Lending

    private func acquire() async throws -> PostgresConnection {
        enum Decision {
            case reuse(PostgresConnection)
            case open
            case wait
        }
        let decision: Decision = try state.withLock { state in
            if state.closed { throw PostgresError(.poolClosed, "the database pool is shut down") }
            if let connection = state.idle.popLast() { return .reuse(connection) }
            if state.open < configuration.maxConnections {
                state.open += 1
                return .open
            }
            return .wait
        }
        switch decision {
        case .reuse(let connection):
            if connection.isHealthy { return connection }
            logger.debug("discarding a broken idle database connection")
            connection.close()
            return try await openConnection()
        case .open:
            return try await openConnection()
        case .wait:
            if let connection = try await waitForConnection() { return connection }
            return try await openConnection()
        }
    }

    /// Opens a connection in a slot already counted in `open`; gives the slot back on failure.
    private func openConnection() async throws -> PostgresConnection {
        let configuration = configuration
        do {
            return try await threadPool.runIfActive {
                try PostgresConnection(
                    connectionString: configuration.connectionString, schema: configuration.schema)
            }
        } catch {
            releaseSlot()
            throw error
        }
    }

    private func waitForConnection() async throws -> PostgresConnection? {
        let id = state.withLock { state in
            state.nextWaiterID += 1
            return state.nextWaiterID
        }
        let timeout = configuration.acquireTimeout
        let maxConnections = configuration.maxConnections
        enum Outcome: Sendable {
            case granted(PostgresConnection?)
            case timerFinished
        }
        return try await withTaskCancellationHandler {
            try await withThrowingTaskGroup(of: Outcome.self) { group in
                group.addTask {
                    let connection = try await withCheckedThrowingContinuation { continuation in
                        let enqueued = self.state.withLock { state -> Bool in
                            if state.closed { return false }
                            state.waiters.append(Waiter(id: id, continuation: continuation))
                            return true
                        }
                        if !enqueued {
                            continuation.resume(throwing: PostgresError(.poolClosed, "the database pool is shut down"))
                        }
                    }
                    return .granted(connection)
                }
                group.addTask {
                    try? await Task.sleep(for: timeout)
                    // Fails the waiter only if it is still queued; its child then throws.
                    self.failWaiter(
                        id,
                        with: PostgresError(
                            .poolTimeout,
                            "all \(maxConnections) database connections stayed busy for \(timeout); "
                                + "raise the pool size or look for slow queries"))
                    return .timerFinished
                }
                while let outcome = try await group.next() {
                    if case .granted(let connection) = outcome {
                        group.cancelAll()
                        return connection
                    }
                }
                throw PostgresError(.poolTimeout, "no database connection became free")
            }
        } onCancel: {
            self.failWaiter(id, with: CancellationError())
        }
    }

    private func failWaiter(_ id: Int, with error: any Error) {
        let waiter = state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return state.waiters.remove(at: index)
        }
        waiter?.continuation.resume(throwing: error)
    }

    /// Runs on the pool thread right after the body: a connection left inside a transaction is
    /// rolled back so the next borrower starts clean.
    private func cleanUp(_ connection: PostgresConnection) {
        connection.pendingBegin = false
        if connection.isInTransaction { try? connection.execute(script: "ROLLBACK") }
    }

    private func release(_ connection: PostgresConnection) {
        let healthy = connection.isHealthy && !connection.isInTransaction
        if !healthy {
            logger.debug("replacing a broken database connection")
            connection.close()
            releaseSlot()
            return
        }
        let waiter = state.withLock { state -> Waiter? in
            if state.closed {
                state.open -= 1
                return nil
            }
            if let waiter = state.waiters.popFirst() { return waiter }
            state.idle.append(connection)
            return nil
        }
        if let waiter {
            waiter.continuation.resume(returning: connection)
        } else if state.withLock({ $0.closed }) {
            connection.close()
        }
    }

    /// Gives up one counted connection; a waiter, if any, inherits the slot and opens anew.
    private func releaseSlot() {
        let waiter = state.withLock { state -> Waiter? in
            if let waiter = state.waiters.popFirst() { return waiter }
            state.open -= 1
            return nil
        }
        waiter?.continuation.resume(returning: nil)
    }
}
