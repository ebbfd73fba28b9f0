import Foundation
import Hummingbird
import Logging
import NIOCore
import PapoCore
import PapoHTTP
import PapoPostgres
import PapoServer
import PapoStore
import PapoTestKit
import ServiceLifecycle
import Testing

/// One Papo instance on a real loopback port — its own pool, `LISTEN` connection and event hub —
/// on a database that other instances may share, as in a deployment behind a load balancer.
final class LiveInstance: Sendable {
    let pool: PostgresPool
    let listener: PostgresListener
    let hub: EventHub
    let baseURL: String
    private let services: ServiceGroup
    private let task: Task<Void, any Error>

    private init(
        pool: PostgresPool, listener: PostgresListener, hub: EventHub, baseURL: String, services: ServiceGroup,
        task: Task<Void, any Error>
    ) {
        self.pool = pool
        self.listener = listener
        self.hub = hub
        self.baseURL = baseURL
        self.services = services
        self.task = task
    }

    static func start(
        database: String, hub hubConfiguration: EventHub.Configuration = .init(), secretBox: SecretBox? = nil
    ) async throws -> LiveInstance {
        let logger = TestDatabase.logger
        let pool = PostgresPool(configuration: try PostgresConfiguration(connectionString: database), logger: logger)
        let listener = PostgresListener(connectionString: pool.configuration.connectionString, logger: logger)
        let hub = EventHub(pool: pool, listener: listener, configuration: hubConfiguration, logger: logger)
        let migrator = Migrator(
            pool: pool, migrations: try Migration.load(from: TestDatabase.migrationsDirectory), logger: logger)
        let router = PapoRouter.make(
            .init(
                pool: pool, migrator: migrator, adminKey: TestApp.adminKey, secretBox: secretBox, eventHub: hub))
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router, server: PapoRouter.server(for: router),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger)
        let services = ServiceGroup(
            configuration: .init(services: [pool, listener, hub, app], gracefulShutdownSignals: [], logger: logger))
        let task = Task { try await services.run() }
        var iterator = ports.makeAsyncIterator()
        let port = try #require(await iterator.next())
        // The hub hears nothing until the listener's connection is up.
        for _ in 0..<200 where !listener.isConnected { try await Task.sleep(for: .milliseconds(25)) }
        return LiveInstance(
            pool: pool, listener: listener, hub: hub, baseURL: "http://127.0.0.1:\(port)", services: services,
            task: task)
    }

    func stop() async {
        await services.triggerGracefulShutdown()
        _ = await task.result
    }

    /// Waits until `tenantID` has `count` live clients on this instance.
    func waitForSubscribers(_ tenantID: UUID, count: Int = 1) async throws {
        for _ in 0..<400 {
            if hub.subscriberCount(tenantID: tenantID) == count { return }
            try await Task.sleep(for: .milliseconds(25))
        }
        Issue.record("expected \(count) live clients, have \(hub.subscriberCount(tenantID: tenantID))")
    }
}

/// A tenant made through the admin API of a live instance.
struct LiveTenant: Sendable {
    var id: UUID
    var clientID: String
    var key: String

    var headers: HTTPClientHeaders {
        ["X-Client-Id": clientID, "Authorization": "Bearer \(key)"]
    }

    static func create(_ name: String, on instance: LiveInstance, http: HTTPClient) async throws -> LiveTenant {
        let response = try await http.execute(
            try HTTPClientRequest(
                url: instance.baseURL + "/api/v1/admin/tenants",
                headers: ["Authorization": "Bearer \(TestApp.adminKey)"], json: ["name": name]))
        #expect(response.status == 201)
        let body = try response.decode(JSONValue.self)
        let clientID = try #require(body["tenant"]?["client_id"]?.stringValue)
        let key = try #require(body["api_key"]?["key"]?.stringValue)
        let id = try await instance.pool.query("SELECT id FROM tenants WHERE client_id = \(clientID)").first!
            .decode("id", as: UUID.self)
        return LiveTenant(id: id, clientID: clientID, key: key)
    }
}

/// Publishes an event the way the stores do: inside a transaction.
@discardableResult
func publishEvent(
    _ type: EventType, tenantID: UUID, payload: JSONValue = [:], on pool: PostgresPool
) async throws -> Int64 {
    let uid = try await pool.withTransaction {
        try EventLog.publish(type, tenantID: tenantID, payload: payload, on: $0)
    }
    // The stream id is given at commit.
    return try await pool.query("SELECT id FROM events WHERE tenant_id = \(tenantID) AND uid = \(uid)").first!
        .decode("id", as: Int64.self)
}

/// Reads server-sent events from `url` until `count` arrived (or `timeout` passed).
func readServerSentEvents(
    _ count: Int, url: String, headers: HTTPClientHeaders, http: HTTPClient, timeout: Duration = .seconds(15),
    whenConnected: @escaping @Sendable () async throws -> Void = {}
) async throws -> [ServerSentEvent] {
    try await withThrowingTaskGroup(of: [ServerSentEvent]?.self) { group in
        group.addTask {
            var request = HTTPClientRequest(url: url, headers: headers)
            request.timeout = .zero
            let response = try await http.stream(request).ensureSuccess()
            #expect(response.headers["Content-Type"]?.hasPrefix("text/event-stream") == true)
            try await whenConnected()
            var events: [ServerSentEvent] = []
            for try await event in response.serverSentEvents() {
                events.append(event)
                if events.count == count { break }
            }
            return events
        }
        group.addTask {
            try await Task.sleep(for: timeout)
            return nil
        }
        let first = try await group.next() ?? nil
        group.cancelAll()
        return try #require(first, "timed out waiting for \(count) server-sent events")
    }
}

extension ServerSentEvent {
    /// The `data:` JSON.
    var json: JSONValue? {
        try? JSONDecoder().decode(JSONValue.self, from: Data(data.utf8))
    }
}
