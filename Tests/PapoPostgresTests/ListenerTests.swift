import Foundation
import PapoPostgres
import PapoTestKit
import Testing

@Suite("LISTEN/NOTIFY", .timeLimit(.minutes(1)))
struct ListenerTests {
    @Test("notifications arrive, and keep arriving after the server kills the listening backend")
    func survivesTermination() async throws {
        let connectionString = try TestDatabase.create()
        let configuration = try PostgresConfiguration(connectionString: connectionString, maxConnections: 2)
        let pool = PostgresPool(configuration: configuration, logger: TestDatabase.logger)
        let listener = PostgresListener(connectionString: connectionString, logger: TestDatabase.logger)
        let events = listener.events(channel: "papo_turns")
        listener.start()
        defer { listener.stop() }
        var iterator = events.makeAsyncIterator()

        let first = try await deliver("first", on: "papo_turns", through: pool, to: &iterator)
        #expect(first == PostgresNotification(channel: "papo_turns", payload: "first"))

        try await pool.query(
            """
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE query LIKE 'LISTEN%' AND datname = current_database() AND pid <> pg_backend_pid()
            """)
        var sawReconnect = false
        while let event = await iterator.next() {
            if event == .reconnected {
                sawReconnect = true
                break
            }
        }
        #expect(sawReconnect)
        let second = try await deliver("second", on: "papo_turns", through: pool, to: &iterator)
        #expect(second == PostgresNotification(channel: "papo_turns", payload: "second"))
        await pool.close()
    }

    @Test("a channel subscribed after start is listened to; other channels are not delivered")
    func lateSubscription() async throws {
        let connectionString = try TestDatabase.create()
        let configuration = try PostgresConfiguration(connectionString: connectionString, maxConnections: 1)
        let pool = PostgresPool(configuration: configuration, logger: TestDatabase.logger)
        let listener = PostgresListener(connectionString: connectionString, logger: TestDatabase.logger)
        listener.start()
        defer { listener.stop() }
        try await waitUntil { listener.isConnected }
        let events = listener.events(channel: "late")
        var iterator = events.makeAsyncIterator()
        try await pool.query("SELECT pg_notify('other', 'ignored')")
        let received = try await deliver("hello", on: "late", through: pool, to: &iterator)
        #expect(received == PostgresNotification(channel: "late", payload: "hello"))
        await pool.close()
    }

    /// Sends `payload` every 100 ms until the subscriber sees it: LISTEN takes effect
    /// asynchronously, so a single NOTIFY right after subscribing could race it. Returns the
    /// first notification that is not a repeat of an earlier payload.
    private func deliver(
        _ payload: String, on channel: String, through pool: PostgresPool,
        to iterator: inout AsyncStream<PostgresListener.Event>.Iterator
    ) async throws -> PostgresNotification? {
        let sender = Task {
            while !Task.isCancelled {
                try await pool.query("SELECT pg_notify(\(channel), \(payload))")
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        defer { sender.cancel() }
        while let event = await iterator.next() {
            if case .notification(let notification) = event, notification.payload == payload {
                return notification
            }
            if case .notification(let notification) = event, notification.channel != channel {
                Issue.record("received a notification for \(notification.channel), which was not subscribed")
            }
        }
        return nil
    }
}

/// Polls a condition every 20 ms for up to 10 s.
func waitUntil(_ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(10)
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("condition not met within 10 s")
}
