import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PapoCore
import PapoHTTP
import PapoPostgres
import PapoServer
import PapoStore
import PapoTestKit
import Synchronization
import Testing

/// A live Papo (real router, real database, real libcurl) with a fake Evolution gateway and a
/// fake Graph API on loopback: the gateway posts its webhooks back to the live server.
final class SessionHarness: Sendable {
    static let firstKey = try! SecretBox.Key(id: "k1", bytes: Data(repeating: 7, count: 32))
    static let secondKey = try! SecretBox.Key(id: "k2", bytes: Data(repeating: 9, count: 32))

    let app: TestApp
    let box: SecretBox
    let httpClient = HTTPClient()
    let gateway: FakeEvolutionGateway
    let graph: FakeGraphAPI
    let gatewayURL: String
    let graphURL: String
    let publicURL = Mutex<String?>(nil)
    /// One second growing to eight, four attempts in all: three reconnects before giving up.
    let backoff = Backoff(base: .seconds(1), cap: .seconds(8), maxAttempts: 4)

    private init(gateway: FakeEvolutionGateway, graph: FakeGraphAPI, gatewayURL: String, graphURL: String) throws {
        app = try TestApp()
        box = try SecretBox(keys: [Self.firstKey])
        self.gateway = gateway
        self.graph = graph
        self.gatewayURL = gatewayURL
        self.graphURL = graphURL
    }

    /// Runs `body` with started fakes and stops everything afterwards, even on failure.
    static func with<Value: Sendable>(_ body: (SessionHarness) async throws -> Value) async throws -> Value {
        let gateway = FakeEvolutionGateway()
        let graph = FakeGraphAPI()
        let gatewayURL = try await gateway.start().absoluteString
        let graphURL = try await graph.start().absoluteString
        let harness = try SessionHarness(gateway: gateway, graph: graph, gatewayURL: gatewayURL, graphURL: graphURL)
        do {
            let value = try await body(harness)
            await harness.shutdown()
            return value
        } catch {
            await harness.shutdown()
            throw error
        }
    }

    var connector: SessionConnector {
        SessionConnector(
            sessions: SessionStore(pool: app.pool), box: box, httpClient: httpClient,
            publicURL: { [self] in self.publicURL.withLock { $0 } }, backoff: backoff, logger: TestDatabase.logger)
    }

    var sessions: SessionStore { SessionStore(pool: app.pool) }

    /// A monitor that only acts when `runOnce` is called (or runs as a service).
    func monitor(checkInterval: Duration = .seconds(3600), pollInterval: Duration? = nil) -> SessionMonitor {
        SessionMonitor(
            connector: connector, checkInterval: checkInterval, pollInterval: pollInterval,
            logger: TestDatabase.logger)
    }

    /// Serves Papo on an ephemeral loopback port and tells the gateway to call back there.
    func live<Value: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        let router = PapoRouter.make(
            .init(
                pool: app.pool, migrator: app.migrator, adminKey: TestApp.adminKey, mediaDirectory: app.mediaDirectory,
                secretBox: box, sessionConnector: connector))
        let application = Application(
            router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            logger: TestDatabase.logger)
        return try await application.test(.live) { client in
            let port = try #require(client.port)
            publicURL.withLock { $0 = "http://127.0.0.1:\(port)" }
            return try await body(client)
        }
    }

    func shutdown() async {
        await gateway.stop()
        await graph.stop()
        await httpClient.shutdown()
    }

    /// The body that connects the fake Graph API's number.
    func metaBody(name: String = "official", token: String? = nil) -> [String: Any] {
        [
            "provider": "meta", "name": name, "phone_number_id": graph.phoneNumberID,
            "access_token": token ?? graph.accessToken, "app_secret": "meta-app-secret-\(name)",
            "verify_token": "verify-\(name)", "base_url": graphURL, "api_version": "v25.0",
        ]
    }

    /// The body that connects a Baileys session through the fake gateway.
    func baileysBody(name: String = "web", phoneNumber: String? = nil) -> [String: Any] {
        var body: [String: Any] = [
            "provider": "baileys", "name": name, "gateway_url": gatewayURL, "api_key": gateway.globalAPIKey,
        ]
        if let phoneNumber { body["phone_number"] = phoneNumber }
        return body
    }

    /// A session row's raw columns, read without any tenant filter (the test is the operator).
    func row(_ id: String) async throws -> PostgresRow {
        try #require(
            try await app.pool.query(
                """
                SELECT status, phone_number, session_data, session_key_id, webhook_secret_hash, external_id,
                       reconnect_attempts, next_reconnect_at, last_error
                FROM whatsapp_sessions WHERE id = \(UUID(uuidString: id)!)
                """
            ).first)
    }

    /// The event types published for the session, oldest first.
    func eventTypes(_ id: String) async throws -> [String] {
        try await app.pool.query(
            "SELECT type FROM events WHERE payload->>'session_id' = \(id) ORDER BY id"
        ).map { try $0.decode("type", as: String.self) }
    }
}

extension TestClientProtocol {
    /// `POST /api/v1/sessions/initialize`; returns the status and the JSON body.
    func initialize(
        _ body: [String: Any], as tenant: CreatedTenant
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        let response = try await execute(
            uri: "/api/v1/sessions/initialize", method: .post, headers: tenant.headers, body: .json(body))
        return (response.status, try response.json())
    }

    /// `GET /api/v1/sessions/status?…`; the `session` object of the answer.
    func sessionStatus(_ query: String, as tenant: CreatedTenant) async throws -> [String: Any] {
        let response = try await execute(
            uri: "/api/v1/sessions/status?\(query)", method: .get, headers: tenant.headers)
        #expect(response.status == .ok, "\(String(buffer: response.body))")
        return try #require(try response.json()["session"] as? [String: Any])
    }
}
