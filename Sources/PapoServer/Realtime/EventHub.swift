public import Foundation
public import Logging
import PapoCore
public import PapoPostgres
public import PapoStore
public import ServiceLifecycle
import Synchronization

/// What a realtime client is sent.
public enum RealtimeMessage: Sendable, Equatable {
    case event(StoredEvent)
    /// Nothing happened for a while; lets proxies and clients see the stream is alive.
    case heartbeat
    /// The client resumed from `after`, but events up to `purgedThrough` were purged past the
    /// retention window: some it never received are gone, so it should re-read what it shows
    /// through the API. Sent once, before the replay.
    case gap(after: Int64, purgedThrough: Int64)
}

/// The process-wide fan-out of realtime events to connected SSE and WebSocket clients.
///
/// One hub listens on ``EventLog/channel``. A notification carries only a tenant and an id;
/// the hub then reads that tenant's new rows from `events` once, after the tenant's cursor,
/// and hands each to the tenant's subscribers whose type filter matches. Every instance runs
/// its own hub, and `NOTIFY` reaches all of them, so a change committed through any instance
/// reaches clients on every instance.
///
/// All changes to cursors and subscriber lists happen on one serial loop (``run()``), which is
/// what makes the hand-over from a client's replay to live delivery exact: a client joins with
/// the id it replayed up to, the loop sends it whatever lies between that id and the tenant's
/// cursor, then adds it to the live list, with no notification processed in between. Because
/// one tenant's event ids are given at commit, in commit order (see
/// ``EventLog/publish(_:tenantID:payload:on:)``), reading "after the cursor" never skips a row
/// that commits later.
///
/// Each subscriber has a bounded buffer. A client that falls behind by more than that is
/// disconnected (and resumes with `Last-Event-ID`) rather than growing the server's memory.
public final class EventHub: Service, Sendable {
    public struct Configuration: Sendable {
        /// Messages buffered per client before it counts as too slow and is disconnected.
        public var bufferSize = 256
        /// How often idle clients get a heartbeat.
        public var heartbeatInterval: Duration = .seconds(15)
        /// The slow re-read behind `NOTIFY`, for notifications lost while the listener reconnected.
        public var pollInterval: Duration = .seconds(10)
        /// Rows read per query when replaying or catching up.
        public var pageSize = 500

        public init() {}
    }

    let pool: PostgresPool
    let listener: PostgresListener?
    let configuration: Configuration
    let logger: Logger

    private let commands: AsyncStream<Command>
    private let commandSink: AsyncStream<Command>.Continuation
    private let state = Mutex(State())

    public init(pool: PostgresPool, listener: PostgresListener?, configuration: Configuration = .init(), logger: Logger)
    {
        self.pool = pool
        self.listener = listener
        self.configuration = configuration
        self.logger = logger
        let (stream, continuation) = AsyncStream.makeStream(of: Command.self)
        commands = stream
        commandSink = continuation
    }

    enum Command: Sendable {
        case notified(tenantID: UUID, id: Int64)
        case refreshAll
        case heartbeat
        case join(Joining, CheckedContinuation<Void, any Error>)
    }

    /// A client about to go live: it has replayed up to `after` (or wants only new events).
    struct Joining: Sendable {
        var key: SubscriberKey
        var types: Set<String>
        var after: Int64?
        var continuation: AsyncStream<RealtimeMessage>.Continuation
        var end: SubscriptionEnd
    }

    struct SubscriberKey: Hashable, Sendable {
        var tenantID: UUID
        var id: Int
    }

    struct Subscriber: Sendable {
        var types: Set<String>
        /// Ids at or below this were sent during the client's replay.
        var after: Int64
        var continuation: AsyncStream<RealtimeMessage>.Continuation
        var end: SubscriptionEnd

        func wants(_ event: StoredEvent) -> Bool {
            event.id > after && (types.isEmpty || types.contains(event.type))
        }
    }

    struct TenantFeed {
        /// The newest id read for this tenant.
        var cursor: Int64
        var subscribers: [Int: Subscriber] = [:]
    }

    struct State {
        var feeds: [UUID: TenantFeed] = [:]
        var nextID = 0
        var stopped = false
    }

    // MARK: - Clients

    /// A stream of the tenant's events of `types` (empty: all), starting after `after` (replayed
    /// from the table first) or, without it, with the next event.
    public func subscribe(tenantID: UUID, types: Set<String>, after: Int64?) -> EventSubscription {
        EventSubscription(hub: self, tenantID: tenantID, types: types, after: after)
    }

    /// Clients connected to this instance, per tenant (for tests and health output).
    public func subscriberCount(tenantID: UUID) -> Int {
        state.withLock { $0.feeds[tenantID]?.subscribers.count ?? 0 }
    }

    func nextKey(tenantID: UUID) -> SubscriberKey {
        state.withLock { state in
            state.nextID += 1
            return SubscriberKey(tenantID: tenantID, id: state.nextID)
        }
    }

    /// Hands a replayed client over to live delivery; returns once it is live.
    func join(_ joining: Joining) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let stopped = state.withLock { $0.stopped }
            if stopped {
                continuation.resume(throwing: CancellationError())
                return
            }
            if case .terminated = commandSink.yield(.join(joining, continuation)) {
                continuation.resume(throwing: CancellationError())
            }
        }
    }

    func remove(_ key: SubscriberKey) {
        state.withLock { state in
            state.feeds[key.tenantID]?.subscribers[key.id] = nil
            if state.feeds[key.tenantID]?.subscribers.isEmpty == true { state.feeds[key.tenantID] = nil }
        }
    }

    /// Reads a page of a tenant's events after `id` (replay and catch-up).
    /// The tenant's purge horizon (see ``EventLog/purgedThrough(tenantID:on:)``).
    func purgedThrough(tenantID: UUID) async throws -> Int64? {
        try await pool.withConnection { try EventLog.purgedThrough(tenantID: tenantID, on: $0) }
    }

    func page(tenantID: UUID, after id: Int64, types: Set<String>) async throws -> [StoredEvent] {
        let limit = configuration.pageSize
        let types = Array(types)
        return try await pool.withConnection { connection in
            try EventLog.events(tenantID: tenantID, after: id, types: types, limit: limit, on: connection)
        }
    }

    // MARK: - The serial loop

    public func run() async throws {
        let notifications = listener?.events(channel: EventLog.channel)
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                if let notifications {
                    group.addTask {
                        for await event in notifications { self.forward(event) }
                    }
                }
                group.addTask { await self.tick() }
                for await command in commands {
                    await handle(command)
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.commandSink.finish()
        }
        shutdown()
    }

    private func forward(_ event: PostgresListener.Event) {
        switch event {
        case .reconnected:
            commandSink.yield(.refreshAll)
        case .notification(let notification):
            guard
                let notice = try? JSONDecoder().decode(JSONValue.self, from: Data(notification.payload.utf8)),
                let tenantID = notice["tenant_id"]?.stringValue.flatMap(UUID.init(uuidString:)),
                let id = notice["id"]?.doubleValue
            else {
                logger.warning("unreadable event notification", metadata: ["payload": "\(notification.payload)"])
                return
            }
            commandSink.yield(.notified(tenantID: tenantID, id: Int64(id)))
        }
    }

    private func tick() async {
        let heartbeat = configuration.heartbeatInterval
        let poll = configuration.pollInterval
        let step = min(heartbeat, poll)
        var sinceHeartbeat = Duration.zero
        var sincePoll = Duration.zero
        while !Task.isCancelled {
            guard (try? await Task.sleep(for: step)) != nil else { return }
            sinceHeartbeat += step
            sincePoll += step
            if sinceHeartbeat >= heartbeat {
                sinceHeartbeat = .zero
                commandSink.yield(.heartbeat)
            }
            if sincePoll >= poll {
                sincePoll = .zero
                commandSink.yield(.refreshAll)
            }
        }
    }

    private func handle(_ command: Command) async {
        switch command {
        case .notified(let tenantID, let id):
            await advance(tenantID: tenantID, upTo: id)
        case .refreshAll:
            let tenants = state.withLock { Array($0.feeds.keys) }
            for tenantID in tenants { await advance(tenantID: tenantID, upTo: .max) }
        case .heartbeat:
            let all = state.withLock { state in
                state.feeds.flatMap { tenantID, feed in
                    feed.subscribers.map { (SubscriberKey(tenantID: tenantID, id: $0.key), $0.value) }
                }
            }
            for (key, subscriber) in all { send(.heartbeat, to: subscriber, key: key) }
        case .join(let joining, let continuation):
            do {
                try await admit(joining)
                continuation.resume()
            } catch {
                continuation.resume(throwing: error)
            }
        }
    }

    /// Reads the tenant's rows after its cursor and sends each to the matching subscribers.
    private func advance(tenantID: UUID, upTo id: Int64) async {
        guard
            let cursor = state.withLock({ state -> Int64? in
                guard let feed = state.feeds[tenantID], id > feed.cursor else { return nil }
                return feed.cursor
            })
        else { return }
        var position = cursor
        do {
            while true {
                let events = try await page(tenantID: tenantID, after: position, types: [])
                guard let last = events.last else { break }
                let subscribers = state.withLock { $0.feeds[tenantID]?.subscribers ?? [:] }
                for event in events {
                    for (subscriberID, subscriber) in subscribers where subscriber.wants(event) {
                        send(.event(event), to: subscriber, key: SubscriberKey(tenantID: tenantID, id: subscriberID))
                    }
                }
                position = last.id
                state.withLock { $0.feeds[tenantID]?.cursor = position }
                if events.count < configuration.pageSize { break }
            }
        } catch {
            // The next notification or the poll reads from the same cursor again.
            logger.warning(
                "reading new events failed", metadata: ["tenant_id": "\(tenantID)", "error": "\(error)"])
        }
    }

    /// Sends the client what lies between its replay and the tenant's cursor, then makes it live.
    private func admit(_ joining: Joining) async throws {
        let tenantID = joining.key.tenantID
        var cursor = state.withLock { $0.feeds[tenantID]?.cursor }
        if cursor == nil {
            let latest = try await pool.withConnection { try EventLog.latestID(tenantID: tenantID, on: $0) }
            cursor = latest
            state.withLock { state in
                if state.feeds[tenantID] == nil { state.feeds[tenantID] = TenantFeed(cursor: latest) }
            }
        }
        let tenantCursor = cursor ?? 0
        let after = joining.after ?? tenantCursor
        let subscriber = Subscriber(
            types: joining.types, after: after, continuation: joining.continuation, end: joining.end)
        var position = after
        catchUp: while position < tenantCursor {
            let events = try await page(tenantID: tenantID, after: position, types: joining.types)
            guard !events.isEmpty else { break }
            for event in events {
                if event.id > tenantCursor { break catchUp }
                guard send(.event(event), to: subscriber, key: joining.key) else { return }
                position = event.id
            }
            if events.count < configuration.pageSize { break }
        }
        let added = state.withLock { state -> Bool in
            guard !state.stopped, !joining.end.isEnded else { return false }
            if state.feeds[tenantID] == nil { state.feeds[tenantID] = TenantFeed(cursor: tenantCursor) }
            state.feeds[tenantID]?.subscribers[joining.key.id] = subscriber
            return true
        }
        if !added { joining.continuation.finish() }
    }

    /// Buffers `message` for one client; a full buffer disconnects it. Returns whether it was kept.
    @discardableResult
    private func send(_ message: RealtimeMessage, to subscriber: Subscriber, key: SubscriberKey) -> Bool {
        switch subscriber.continuation.yield(message) {
        case .enqueued:
            return true
        case .dropped:
            subscriber.end.mark(.slowConsumer)
            logger.notice(
                "realtime client too slow; disconnecting",
                metadata: ["tenant_id": "\(key.tenantID)", "buffer": "\(configuration.bufferSize)"])
            remove(key)
            subscriber.continuation.finish()
            return false
        case .terminated:
            remove(key)
            return false
        @unknown default:
            return false
        }
    }

    private func shutdown() {
        let continuations = state.withLock { state in
            state.stopped = true
            defer { state.feeds = [:] }
            return state.feeds.values.flatMap { $0.subscribers.values.map(\.continuation) }
        }
        for continuation in continuations { continuation.finish() }
    }
}

/// Why a subscription's live stream ended, shared by the hub and the client's iterator.
final class SubscriptionEnd: Sendable {
    enum Reason: Sendable {
        case slowConsumer
        case stopped
    }

    private let reason = Mutex<Reason?>(nil)
    private let stopper: Stopper?

    init(stopper: Stopper? = nil) {
        self.stopper = stopper
    }

    var isEnded: Bool { reason.withLock { $0 != nil } }
    var current: Reason? { reason.withLock { $0 } }

    func mark(_ value: Reason) {
        let first = reason.withLock { reason -> Bool in
            guard reason == nil else { return false }
            reason = value
            return true
        }
        if first, value == .slowConsumer { stopper?.markSlow() }
    }
}
