import Foundation
import PapoStore
import Synchronization

/// One client's stream of realtime messages: first the events after its `Last-Event-ID`, read
/// from the table page by page at the client's own pace, then live events from the
/// ``EventHub`` — each event once, in id order.
///
/// Iteration throws ``EventStreamError/slowConsumer`` when the client fell too far behind and
/// ends when the hub shuts down. Dropping the iterator (or cancelling its task) unsubscribes.
public struct EventSubscription: AsyncSequence, Sendable {
    public typealias Element = RealtimeMessage

    let hub: EventHub
    let tenantID: UUID
    let types: Set<String>
    let after: Int64?
    let stopper = Stopper()

    /// Ends the stream (at graceful shutdown): the iteration finishes after at most one more message.
    public func stop() {
        stopper.stop()
    }

    /// Called (once, from the hub) when the client is cut for not keeping up; the connection
    /// closes its socket then, since a write to that client may be stuck waiting for it.
    public func onSlowConsumer(_ handler: @escaping @Sendable () -> Void) {
        stopper.onSlowConsumer(handler)
    }

    /// Whether the hub cut this client for not keeping up.
    public var wasCutForSlowness: Bool { stopper.wasSlow }

    public func makeAsyncIterator() -> Iterator {
        Iterator(subscription: self)
    }

    public struct Iterator: AsyncIteratorProtocol {
        let subscription: EventSubscription
        var cursor: Int64?
        var replayed: [StoredEvent] = []
        var replayDone: Bool
        var gapChecked = false
        var live: LiveFeed?

        init(subscription: EventSubscription) {
            self.subscription = subscription
            cursor = subscription.after
            replayDone = subscription.after == nil
        }

        public mutating func next() async throws -> RealtimeMessage? {
            try Task.checkCancellation()
            if subscription.stopper.isStopped { return nil }
            if !gapChecked, let after = subscription.after, after > 0 {
                gapChecked = true
                if let horizon = try await subscription.hub.purgedThrough(tenantID: subscription.tenantID),
                    horizon > after
                {
                    return .gap(after: after, purgedThrough: horizon)
                }
            }
            while !replayDone {
                if !replayed.isEmpty { return .event(replayed.removeFirst()) }
                let page = try await subscription.hub.page(
                    tenantID: subscription.tenantID, after: cursor ?? 0, types: subscription.types)
                if let last = page.last { cursor = last.id }
                replayed = page
                if page.count < subscription.hub.configuration.pageSize { replayDone = true }
            }
            if !replayed.isEmpty { return .event(replayed.removeFirst()) }
            if live == nil { live = try await LiveFeed.join(subscription, after: cursor) }
            guard let live else { return nil }
            if let message = await live.next() { return message }
            if live.end.current == .slowConsumer { throw EventStreamError.slowConsumer }
            return nil
        }
    }
}

/// The live half of a subscription; leaving the hub when it is dropped.
final class LiveFeed {
    let hub: EventHub
    let key: EventHub.SubscriberKey
    let end: SubscriptionEnd
    private var iterator: AsyncStream<RealtimeMessage>.Iterator

    private init(
        hub: EventHub, key: EventHub.SubscriberKey, end: SubscriptionEnd,
        iterator: AsyncStream<RealtimeMessage>.Iterator
    ) {
        self.hub = hub
        self.key = key
        self.end = end
        self.iterator = iterator
    }

    static func join(_ subscription: EventSubscription, after: Int64?) async throws -> LiveFeed {
        let hub = subscription.hub
        let key = hub.nextKey(tenantID: subscription.tenantID)
        let end = SubscriptionEnd(stopper: subscription.stopper)
        let (stream, continuation) = AsyncStream.makeStream(
            of: RealtimeMessage.self, bufferingPolicy: .bufferingOldest(max(1, hub.configuration.bufferSize)))
        continuation.onTermination = { [weak hub] _ in hub?.remove(key) }
        subscription.stopper.attach(continuation)
        let feed = LiveFeed(hub: hub, key: key, end: end, iterator: stream.makeAsyncIterator())
        try await hub.join(
            .init(key: key, types: subscription.types, after: after, continuation: continuation, end: end))
        return feed
    }

    func next() async -> RealtimeMessage? {
        await iterator.next(isolation: nil)
    }

    deinit {
        hub.remove(key)
    }
}

/// Lets a subscription be ended from outside its iterating task, and tells the connection
/// when the hub cut the client for being too slow.
final class Stopper: Sendable {
    private struct State {
        var stopped = false
        var slow = false
        var continuation: AsyncStream<RealtimeMessage>.Continuation?
        var onSlow: (@Sendable () -> Void)?
    }

    private let state = Mutex(State())

    var isStopped: Bool { state.withLock { $0.stopped } }
    var wasSlow: Bool { state.withLock { $0.slow } }

    func attach(_ continuation: AsyncStream<RealtimeMessage>.Continuation) {
        let stopped = state.withLock { state in
            state.continuation = continuation
            return state.stopped
        }
        if stopped { continuation.finish() }
    }

    func stop() {
        let continuation = state.withLock { state in
            state.stopped = true
            return state.continuation
        }
        continuation?.finish()
    }

    func onSlowConsumer(_ handler: @escaping @Sendable () -> Void) {
        state.withLock { $0.onSlow = handler }
    }

    func markSlow() {
        let handler = state.withLock { state in
            state.slow = true
            return state.onSlow
        }
        handler?()
    }
}

/// Why a realtime stream was cut.
public enum EventStreamError: Error, Sendable {
    /// The client did not keep up with its events; it should reconnect with `Last-Event-ID`.
    case slowConsumer
}
