import Foundation
import PapoPostgres
import PapoTestKit
import Testing

@Suite("LISTEN/NOTIFY")
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

        try await waitUntil { listener.isConnected }
        try await waitUntilListening(pool, count: 1)
        try await pool.query("SELECT pg_notify('papo_turns', \("first"))")
        #expect(await iterator.next() == .notification(PostgresNotification(channel: "papo_turns", payload: "first")))

        try await pool.query(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND pid <> pg_backend_pid()")
        #expect(await iterator.next() == .reconnected)
        try await waitUntilListening(pool, count: 1)
        try await pool.query("SELECT pg_notify('papo_turns', \("second"))")
        #expect(await iterator.next() == .notification(PostgresNotification(channel: "papo_turns", payload: "second")))
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
        try await waitUntilListening(pool, count: 1)
        try await pool.query("SELECT pg_notify('other', 'ignored'), pg_notify('late', 'hello')")
        var iterator = events.makeAsyncIterator()
        #expect(await iterator.next() == .notification(PostgresNotification(channel: "late", payload: "hello")))
        await pool.close()
    }

    /// Waits until the server reports `count` channels listened to in this database.
    private func waitUntilListening(_ pool: PostgresPool, count: Int) async throws {
        try await waitUntil {
            let rows = try await pool.query(
                "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%' AND state = 'idle'")
            return try rows.first!.decode("n", as: Int.self) >= count
        }
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
