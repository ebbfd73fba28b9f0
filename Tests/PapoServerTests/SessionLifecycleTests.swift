import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PapoCore
import PapoPostgres
import PapoProviders
import PapoServer
import PapoStore
import PapoTestKit
import ServiceLifecycle
import Testing

@Suite("Sessions: reconnects, health, encryption, isolation")
struct SessionLifecycleTests {
    /// A connected Baileys session: initialised, then "scanned" (connection.update open).
    static func connectedBaileys(
        _ harness: SessionHarness, _ client: some TestClientProtocol, tenant: CreatedTenant, name: String = "web"
    ) async throws -> (id: String, instance: String) {
        let (status, body) = try await client.initialize(harness.baileysBody(name: name), as: tenant)
        #expect(status == .ok, "\(body)")
        let id = try #require((body["session"] as? [String: Any])?["id"] as? String)
        let instance = SessionConnector.instanceName(for: UUID(uuidString: id)!)
        #expect(try await harness.gateway.emitConnection("open", instance: instance) == 200)
        #expect(try await client.sessionStatus("id=\(id)", as: tenant)["status"] as? String == "connected")
        return (id, instance)
    }

    static let later = Date().addingTimeInterval(86_400)

    @Test("a transient close reconnects with growing, bounded backoff; a failed reconnect counts, an open resets")
    func reconnectWithBackoff() async throws {
        try await SessionHarness.with { harness in
            try await harness.live { client in
                let tenant = try await client.createTenant("Flaky Co")
                let (id, instance) = try await Self.connectedBaileys(harness, client, tenant: tenant)
                let monitor = harness.monitor()
                #expect(harness.gateway.connectCalls(for: instance) == 0)

                // 428 "connection closed": transient.
                let closedAt = Date()
                #expect(try await harness.gateway.emitConnection("close", instance: instance, statusReason: 428) == 200)
                var row = try await harness.row(id)
                #expect(try row.decode("status", as: String.self) == "connecting")
                #expect(try row.decode("reconnect_attempts", as: Int.self) == 1)
                let first = try #require(try row.decode("next_reconnect_at", as: Date?.self))
                #expect(first.timeIntervalSince(closedAt) <= 1.5)  // within the first ceiling (1 s)
                let status = try await client.sessionStatus("id=\(id)", as: tenant)
                #expect((status["reconnect"] as? [String: Any])?["attempts"] as? Int == 1)

                // Not due yet: nothing happens.
                try await monitor.runOnce(now: closedAt.addingTimeInterval(-60))
                #expect(harness.gateway.connectCalls(for: instance) == 0)

                // The first reconnect fails (gateway 500): attempt 2 is scheduled within 2 s.
                harness.gateway.failNext(1, status: 500, message: "restarting")
                let now = Self.later
                try await monitor.runOnce(now: now)
                #expect(harness.gateway.connectCalls(for: instance) == 1)
                row = try await harness.row(id)
                #expect(try row.decode("reconnect_attempts", as: Int.self) == 2)
                let second = try #require(try row.decode("next_reconnect_at", as: Date?.self))
                #expect(second.timeIntervalSince(now) >= 0 && second.timeIntervalSince(now) <= 2.01)

                // The second works: the gateway answers with a QR code; open then clears the count.
                try await monitor.runOnce(now: now.addingTimeInterval(10))
                #expect(harness.gateway.connectCalls(for: instance) == 2)
                row = try await harness.row(id)
                #expect(try row.decode("status", as: String.self) == "qr")
                #expect(try row.decode("next_reconnect_at", as: Date?.self) == nil)
                #expect(try await harness.gateway.emitConnection("open", instance: instance) == 200)
                row = try await harness.row(id)
                #expect(try row.decode("status", as: String.self) == "connected")
                #expect(try row.decode("reconnect_attempts", as: Int.self) == 0)

                // A gateway that keeps failing: three reconnects (the backoff's limit), then `failed`.
                #expect(try await harness.gateway.emitConnection("close", instance: instance, statusReason: 408) == 200)
                harness.gateway.failNext(3, status: 503, message: "down")
                for round in 0..<8 {
                    try await monitor.runOnce(now: now.addingTimeInterval(Double(100 + round * 100)))
                }
                #expect(harness.gateway.connectCalls(for: instance) == 2 + 3)
                row = try await harness.row(id)
                #expect(try row.decode("status", as: String.self) == "failed")
                #expect(try row.decode("last_error", as: String.self).contains("gave up after 3 reconnect attempts"))
                let statuses = try await harness.app.pool.query(
                    """
                    SELECT payload->>'status' AS status FROM events
                    WHERE type = 'session.status' AND payload->>'session_id' = \(id) ORDER BY id
                    """
                ).map { try $0.decode("status", as: String.self) }
                #expect(statuses.last == "failed")
                #expect(statuses.contains("connecting"))
            }
        }
    }

    @Test("logged out from the phone (401): logged_out at once and no reconnect attempts at all")
    func loggedOutDoesNotLoop() async throws {
        try await SessionHarness.with { harness in
            try await harness.live { client in
                let tenant = try await client.createTenant("Logout Co")
                let (id, instance) = try await Self.connectedBaileys(harness, client, tenant: tenant)
                #expect(try await harness.gateway.emitConnection("close", instance: instance, statusReason: 401) == 200)
                let status = try await client.sessionStatus("id=\(id)", as: tenant)
                #expect(status["status"] as? String == "logged_out")
                #expect((status["last_error"] as? String)?.contains("new QR code") == true)
                let monitor = harness.monitor(checkInterval: .milliseconds(1))
                for round in 0..<5 {
                    try await monitor.runOnce(now: Self.later.addingTimeInterval(Double(round * 3600)))
                }
                #expect(harness.gateway.connectCalls(for: instance) == 0)
                #expect(harness.gateway.requests.filter { $0.path.contains("connectionState") }.isEmpty)
                let row = try await harness.row(id)
                #expect(try row.decode("next_reconnect_at", as: Date?.self) == nil)
                #expect(try await harness.eventTypes(id).last == "session.status")
            }
        }
    }

    @Test("the health check finds a Baileys session that died silently and reconnects it; a rejected key stops it")
    func baileysHealthCheck() async throws {
        try await SessionHarness.with { harness in
            try await harness.live { client in
                let tenant = try await client.createTenant("Silent Co")
                let (id, instance) = try await Self.connectedBaileys(harness, client, tenant: tenant)
                let monitor = harness.monitor(checkInterval: .seconds(60))
                // A healthy check: still open, nothing to do.
                #expect(try await monitor.runOnce(now: Self.later) == (reconnects: 0, checks: 1))
                #expect(try await harness.row(id).decode("status", as: String.self) == "connected")

                // The socket dies without any webhook (field-notes: "sessions silently stop").
                harness.gateway.setState("close", for: instance)
                #expect(try await monitor.runOnce(now: Self.later.addingTimeInterval(61)).checks == 1)
                var row = try await harness.row(id)
                #expect(try row.decode("status", as: String.self) == "connecting")
                #expect(try row.decode("reconnect_attempts", as: Int.self) == 1)
                #expect(try await monitor.runOnce(now: Self.later.addingTimeInterval(200)).reconnects == 1)
                #expect(harness.gateway.connectCalls(for: instance) == 1)
                #expect(try await harness.row(id).decode("status", as: String.self) == "qr")

                // Linked again; then the gateway starts refusing the stored key: failed, no reconnects.
                #expect(try await harness.gateway.emitConnection("open", instance: instance) == 200)
                harness.gateway.failNext(1, status: 401, message: "Unauthorized")
                try await monitor.runOnce(now: Self.later.addingTimeInterval(400))
                row = try await harness.row(id)
                #expect(try row.decode("status", as: String.self) == "failed")
                #expect(try row.decode("last_error", as: String.self).contains("http_401"))
                for round in 1...3 {
                    try await monitor.runOnce(now: Self.later.addingTimeInterval(Double(400 + round * 3600)))
                }
                #expect(harness.gateway.connectCalls(for: instance) == 1)
            }
        }
    }

    @Test("the health monitor service checks Meta sessions and stops for good when the token is revoked")
    func metaHealthMonitor() async throws {
        try await SessionHarness.with { harness in
            try await harness.live { client in
                let tenant = try await client.createTenant("Checked Co")
                let (_, body) = try await client.initialize(harness.metaBody(), as: tenant)
                let id = try #require((body["session"] as? [String: Any])?["id"] as? String)
                let monitor = harness.monitor(checkInterval: .milliseconds(100), pollInterval: .milliseconds(20))
                let group = ServiceGroup(
                    configuration: .init(services: [monitor], gracefulShutdownSignals: [], logger: TestDatabase.logger))
                let running = Task { try await group.run() }
                defer { running.cancel() }
                let checksBefore = harness.graph.requests.count
                try await Self.waitUntil { harness.graph.requests.count >= checksBefore + 2 }
                #expect(try await client.sessionStatus("id=\(id)", as: tenant)["last_checked_at"] is String)

                harness.graph.failNext(1, code: 190, httpStatus: 401, message: "Error validating access token")
                try await Self.waitUntil {
                    (try? await harness.row(id).decode("status", as: String.self)) == "failed"
                }
                let status = try await client.sessionStatus("id=\(id)", as: tenant)
                #expect((status["last_error"] as? String)?.contains("190") == true)
                let settled = harness.graph.requests.count
                try await Task.sleep(for: .milliseconds(500))
                #expect(harness.graph.requests.count == settled, "a failed session must not be checked again")
                await group.triggerGracefulShutdown()
                _ = await running.result
            }
        }
    }

    @Test("session_data is sealed (no token in the raw bytes) and survives a key rotation; the session still sends")
    func encryptionAndRotation() async throws {
        try await SessionHarness.with { harness in
            let tenant = try await harness.live { client in
                let tenant = try await client.createTenant("Sealed Co")
                let (status, _) = try await client.initialize(harness.metaBody(), as: tenant)
                #expect(status == .ok)
                return tenant
            }
            let raw = try #require(
                try await harness.app.pool.query(
                    "SELECT id, session_data, session_key_id FROM whatsapp_sessions WHERE provider = 'meta'"
                ).first)
            let sealed = try raw.decode("session_data", as: Data.self)
            for secret in [harness.graph.accessToken, "meta-app-secret-official", "verify-official"] {
                #expect(sealed.range(of: Data(secret.utf8)) == nil, "\(secret) is stored in plain text")
            }
            #expect(try raw.decode("session_key_id", as: String.self) == "k1")

            let both = try SecretBox(keys: [SessionHarness.firstKey, SessionHarness.secondKey])
            let changed = try await SecretRotation(pool: harness.app.pool, box: both).rotate()
            #expect(changed >= 1)
            let rotated = try #require(
                try await harness.app.pool.query(
                    "SELECT session_data, session_key_id FROM whatsapp_sessions WHERE provider = 'meta'"
                ).first)
            #expect(try rotated.decode("session_key_id", as: String.self) == "k2")
            #expect(try rotated.decode("session_data", as: Data.self) != sealed)

            // Only the new key is left: the credentials still open and the session still sends.
            let onlyNew = try SecretBox(keys: [SessionHarness.secondKey])
            let sessions = SessionStore(pool: harness.app.pool)
            let tenantID = try await harness.app.pool.query(
                "SELECT id FROM tenants WHERE client_id = \(tenant.clientID)"
            ).first!.decode("id", as: UUID.self)
            let record = try #require(try await sessions.details(name: "official", tenantID: tenantID)).record
            let directory = DefaultProviderDirectory(
                credentials: .init(sessions: sessions, box: onlyNew, httpClient: harness.httpClient))
            let provider = try await directory.provider(for: record)
            let messageID = try await provider.send(.text("still here"), to: try PhoneNumber("+5511999998888"))
            #expect(harness.graph.sentMessages[messageID] == "5511999998888")
        }
    }

    @Test("disconnect logs out and deletes the gateway instance and removes the credentials")
    func disconnect() async throws {
        try await SessionHarness.with { harness in
            try await harness.live { client in
                let tenant = try await client.createTenant("Leaving Co")
                let (id, instance) = try await Self.connectedBaileys(harness, client, tenant: tenant)
                let response = try await client.execute(
                    uri: "/api/v1/sessions/disconnect?name=web", method: .delete, headers: tenant.headers)
                #expect(response.status == .ok, "\(String(buffer: response.body))")
                let body = try response.json()
                #expect((body["session"] as? [String: Any])?["status"] as? String == "disconnected")
                #expect(body["provider_logout"] as? String == "logged out and instance deleted")
                let calls = harness.gateway.requests.map { "\($0.method) \($0.path)" }
                #expect(calls.contains("DELETE /instance/logout/\(instance)"))
                #expect(calls.contains("DELETE /instance/delete/\(instance)"))
                #expect(harness.gateway.instance(named: instance) == nil)
                let row = try await harness.row(id)
                #expect(try row.decode("session_data", as: Data?.self) == nil)
                #expect(try row.decode("session_key_id", as: String?.self) == nil)
                #expect(try row.decode("webhook_secret_hash", as: Data?.self) == nil)
                #expect(try row.decode("status", as: String.self) == "disconnected")
                let missing = try await client.execute(
                    uri: "/api/v1/sessions/disconnect", method: .delete, headers: tenant.headers)
                #expect(missing.status == .unprocessableContent)
            }
        }
    }

    @Test("re-initialising a Baileys session replaces its gateway instance and secret, keeping the session id")
    func reinitialiseBaileys() async throws {
        try await SessionHarness.with { harness in
            try await harness.live { client in
                let tenant = try await client.createTenant("Again Co")
                let (id, instance) = try await Self.connectedBaileys(harness, client, tenant: tenant)
                let oldSecret = try #require(harness.gateway.instance(named: instance)?.webhookHeaders.values.first)
                #expect(try await harness.gateway.emitConnection("close", instance: instance, statusReason: 401) == 200)
                let (status, body) = try await client.initialize(harness.baileysBody(), as: tenant)
                #expect(status == .ok, "\(body)")
                let session = try #require(body["session"] as? [String: Any])
                #expect(session["id"] as? String == id)
                #expect(session["status"] as? String == "qr")
                let calls = harness.gateway.requests.map { "\($0.method) \($0.path)" }
                #expect(calls.contains("DELETE /instance/delete/\(instance)"))
                #expect(calls.filter { $0 == "POST /instance/create" }.count == 2)
                let newSecret = try #require(harness.gateway.instance(named: instance)?.webhookHeaders.values.first)
                #expect(newSecret != oldSecret)
                // The old secret no longer authenticates; the new one does.
                let stale = try await client.execute(
                    uri: "/api/v1/webhooks/baileys/\(id)", method: .post,
                    headers: [.contentType: "application/json", HTTPField.Name("X-Papo-Webhook-Secret")!: oldSecret],
                    body: .init(string: #"{"event":"connection.update","instance":"x","data":{"state":"open"}}"#))
                #expect(stale.status == .unauthorized)
                #expect(try await harness.gateway.emitConnection("open", instance: instance) == 200)
                #expect(try await client.sessionStatus("id=\(id)", as: tenant)["status"] as? String == "connected")
            }
        }
    }

    @Test("another tenant can neither see nor disconnect a session")
    func tenantIsolation() async throws {
        try await SessionHarness.with { harness in
            try await harness.live { client in
                let owner = try await client.createTenant("Owner Co")
                let intruder = try await client.createTenant("Intruder Co")
                let (id, _) = try await Self.connectedBaileys(harness, client, tenant: owner)
                let peek = try await client.execute(
                    uri: "/api/v1/sessions/status?id=\(id)", method: .get, headers: intruder.headers)
                #expect(peek.status == .notFound)
                let byName = try await client.execute(
                    uri: "/api/v1/sessions/status?name=web", method: .get, headers: intruder.headers)
                #expect(byName.status == .notFound)
                let list = try await client.execute(
                    uri: "/api/v1/sessions/status", method: .get, headers: intruder.headers)
                #expect((try list.json()["sessions"] as? [Any])?.isEmpty == true)
                let kill = try await client.execute(
                    uri: "/api/v1/sessions/disconnect?id=\(id)", method: .delete, headers: intruder.headers)
                #expect(kill.status == .notFound)
                #expect(try await client.sessionStatus("id=\(id)", as: owner)["status"] as? String == "connected")
                #expect(!harness.gateway.requests.contains { $0.method == "DELETE" })
                let anonymous = try await client.execute(uri: "/api/v1/sessions/status", method: .get)
                #expect(anonymous.status == .unauthorized)
            }
        }
    }

    static func waitUntil(
        timeout: Duration = .seconds(10), _ condition: @Sendable () async throws -> Bool
    ) async throws {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("condition not met within \(timeout)")
    }
}

@Suite("Encryption key configuration")
struct EncryptionKeyConfigurationTests {
    @Test("without PAPO_ENCRYPTION_KEY only the embedded setup may start")
    func refusesWithoutKey() throws {
        let external = try PapoConfiguration.load(file: nil, environment: ["DATABASE_URL": "host=db dbname=papo"])
        #expect(throws: ConfigurationError.self) { try external.secretBox() }
        do {
            _ = try external.secretBox()
        } catch {
            #expect("\(error)".contains("PAPO_ENCRYPTION_KEY"))
            #expect("\(error)".contains("papo keys generate"))
        }
        let embedded = try PapoConfiguration.load(file: nil, environment: [:])
        #expect(try embedded.secretBox() == nil)
        let configured = try PapoConfiguration.load(
            file: nil, environment: ["DATABASE_URL": "host=db", "PAPO_ENCRYPTION_KEY": SecretBox.generateKey()])
        #expect(try configured.secretBox()?.currentKeyID == "k1")
        let broken = try PapoConfiguration.load(
            file: nil, environment: ["DATABASE_URL": "host=db", "PAPO_ENCRYPTION_KEY": "not-base64!"])
        #expect(throws: ConfigurationError.self) { try broken.secretBox() }
    }
}
