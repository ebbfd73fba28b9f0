import Foundation
public import Logging
public import ServiceLifecycle
import Synchronization

/// `LISTEN` on a connection of its own, served by one thread that waits on the socket.
///
/// When the connection breaks (a restart, `pg_terminate_backend`), the listener reconnects
/// with backoff, listens again on every channel and tells subscribers with `.reconnected`:
/// notifications sent while it was away are lost, so a subscriber re-reads what it needs.
public final class PostgresListener: Sendable, Service {
    /// What a subscriber receives.
    public enum Event: Sendable, Hashable {
        case notification(PostgresNotification)
        /// The connection was re-established; notifications may have been missed.
        case reconnected
    }

    private let connectionString: String
    private let logger: Logger
    private let state = Mutex(State())

    struct State {
        var subscribers: [String: [Int: AsyncStream<Event>.Continuation]] = [:]
        var nextSubscriberID = 0
        /// Channels subscribed to but not yet `LISTEN`ed on the current connection.
        var pendingChannels: Set<String> = []
        var running = false
        var stopRequested = false
        var connected = false
    }

    public init(connectionString: String, logger: Logger) {
        self.connectionString = connectionString
        self.logger = logger
    }

    /// A stream of events on `channel`. Ending the iteration unsubscribes.
    public func events(channel: String) -> AsyncStream<Event> {
        let (stream, continuation) = AsyncStream<Event>.makeStream(bufferingPolicy: .bufferingNewest(1024))
        let id = state.withLock { state in
            state.nextSubscriberID += 1
            let id = state.nextSubscriberID
            if state.subscribers[channel] == nil { state.pendingChannels.insert(channel) }
            state.subscribers[channel, default: [:]][id] = continuation
            return id
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { state in
                state.subscribers[channel]?[id] = nil
                if state.subscribers[channel]?.isEmpty == true { state.subscribers[channel] = nil }
            }
        }
        return stream
    }

    /// Whether the listening connection is up (for health output and tests).
    public var isConnected: Bool { state.withLock { $0.connected } }

    /// Starts the listening thread; `run()` does this and stops it at graceful shutdown.
    public func start() {
        let thread = state.withLock { state -> Thread? in
            guard !state.running else { return nil }
            state.running = true
            state.stopRequested = false
            let thread = Thread { [self] in loop() }
            thread.name = "papo-pg-listen"
            return thread
        }
        thread?.start()
    }

    /// Asks the thread to stop and finishes every stream.
    public func stop() {
        let continuations = state.withLock { state in
            state.stopRequested = true
            defer { state.subscribers = [:] }
            return state.subscribers.values.flatMap { $0.values }
        }
        for continuation in continuations { continuation.finish() }
    }

    public func run() async throws {
        start()
        try? await gracefulShutdown()
        stop()
    }

    // MARK: - The listening thread

    private func loop() {
        var connection: PostgresConnection?
        var backoff = 0.1
        var hadConnection = false
        defer {
            connection?.close()
            state.withLock {
                $0.running = false
                $0.connected = false
            }
        }
        while !state.withLock({ $0.stopRequested }) {
            guard let live = connection else {
                do {
                    let fresh = try PostgresConnection(connectionString: connectionString, schema: nil)
                    let channels = state.withLock { state in
                        state.pendingChannels = []
                        state.connected = true
                        return Array(state.subscribers.keys)
                    }
                    for channel in channels {
                        try fresh.execute(script: "LISTEN \(SQLQuery.quoteIdentifier(channel))")
                    }
                    connection = fresh
                    backoff = 0.1
                    if hadConnection {
                        logger.info("database listener reconnected", metadata: ["channels": "\(channels.count)"])
                        broadcast(.reconnected)
                    }
                    hadConnection = true
                } catch {
                    state.withLock { $0.connected = false }
                    logger.warning("database listener cannot connect; retrying", metadata: ["error": "\(error)"])
                    Thread.sleep(forTimeInterval: backoff)
                    backoff = min(backoff * 2, 5)
                }
                continue
            }
            do {
                try listenToNewChannels(on: live)
                if try waitForInput(on: live) {
                    guard live.consumeInput() else {
                        throw PostgresError(.connectionLost, "the listening connection closed")
                    }
                }
                for notification in live.drainNotifications() {
                    deliver(notification)
                }
            } catch {
                logger.warning("database listener lost its connection", metadata: ["error": "\(error)"])
                live.close()
                connection = nil
                state.withLock { $0.connected = false }
            }
        }
    }

    private func listenToNewChannels(on connection: PostgresConnection) throws {
        let channels = state.withLock { state in
            defer { state.pendingChannels = [] }
            return state.pendingChannels
        }
        for channel in channels {
            try connection.execute(script: "LISTEN \(SQLQuery.quoteIdentifier(channel))")
        }
        // LISTEN may have carried notifications in with its result.
        for notification in connection.drainNotifications() { deliver(notification) }
    }

    /// Waits up to 200 ms for the socket to become readable, so stop requests and new
    /// channels are noticed promptly without a wake-up pipe.
    private func waitForInput(on connection: PostgresConnection) throws -> Bool {
        var descriptor = pollfd(fd: connection.socket, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, 200)
        if ready < 0 {
            if errno == EINTR { return false }
            throw PostgresError(.connectionLost, "poll failed with errno \(errno)")
        }
        return ready > 0
    }

    private func deliver(_ notification: PostgresNotification) {
        let continuations = state.withLock { Array(($0.subscribers[notification.channel] ?? [:]).values) }
        for continuation in continuations { continuation.yield(.notification(notification)) }
    }

    private func broadcast(_ event: Event) {
        let continuations = state.withLock { $0.subscribers.values.flatMap { $0.values } }
        for continuation in continuations { continuation.yield(event) }
    }
}
