import Foundation
import HTTPTypes
import Logging
import PapoCore
import PapoHTTP
import PapoPostgres
import PapoServer
import PapoStore
import PapoTestKit
import Synchronization
import Testing
import WSClient

@Suite("Realtime events (SSE and WebSocket)")
struct RealtimeTests {
    let http = HTTPClient()

    @Test("SSE replays in order after Last-Event-ID, then streams live; filters by type; never shows another tenant")
    func serverSentEvents() async throws {
        let instance = try await LiveInstance.start(database: try TestDatabase.create())
        let tenant = try await LiveTenant.create("Imobiliária Sol", on: instance, http: http)
        let other = try await LiveTenant.create("Outra", on: instance, http: http)
        let first = try await publishEvent(
            .messageReceived, tenantID: tenant.id, payload: ["n": 1], on: instance.pool)
        try await publishEvent(
            .messageReceived, tenantID: other.id, payload: ["secret": "other tenant"], on: instance.pool)
        try await publishEvent(.messageStatus, tenantID: tenant.id, payload: ["n": 2], on: instance.pool)
        try await publishEvent(.conversationHandoff, tenantID: tenant.id, payload: ["n": 3], on: instance.pool)

        let url = instance.baseURL + "/api/v1/events"
        var headers = tenant.headers
        headers.add(name: "Last-Event-ID", value: "0")
        let pool = instance.pool
        let events = try await readServerSentEvents(5, url: url, headers: headers, http: http) {
            try await instance.waitForSubscribers(tenant.id)
            try await publishEvent(.messageReceived, tenantID: other.id, payload: ["n": -1], on: pool)
            try await publishEvent(.messageStatus, tenantID: tenant.id, payload: ["n": 4], on: pool)
            try await publishEvent(.messageReceived, tenantID: tenant.id, payload: ["n": 5], on: pool)
        }
        #expect(events.map { $0.json?["payload"]?["n"]?.doubleValue } == [1, 2, 3, 4, 5])
        #expect(
            events.map(\.event) == [
                "message.received", "message.status", "conversation.handoff", "message.status", "message.received",
            ])
        let ids = events.compactMap { $0.id.flatMap(Int64.init) }
        #expect(ids.count == 5 && ids == ids.sorted() && ids.first == first)
        for event in events {
            let data = try #require(event.json)
            #expect(data["id"]?.doubleValue == event.id.flatMap { Double($0) })
            #expect(data["type"]?.stringValue == event.event)
            #expect(data["created_at"]?.stringValue != nil)
            #expect(data["event_id"]?.stringValue.flatMap(UUID.init(uuidString:)) != nil)
        }

        // Resuming after the third event gets the fourth and fifth, and nothing before them.
        var resume = tenant.headers
        resume.add(name: "Last-Event-ID", value: String(ids[2]))
        let resumed = try await readServerSentEvents(2, url: url, headers: resume, http: http)
        #expect(resumed.map(\.id) == [String(ids[3]), String(ids[4])])

        // The query parameter works too, and the type filter applies to replay and live events.
        let filtered = try await readServerSentEvents(
            3, url: url + "?types=message.status&last_event_id=0", headers: tenant.headers, http: http
        ) {
            try await instance.waitForSubscribers(tenant.id)
            try await publishEvent(.messageReceived, tenantID: tenant.id, payload: ["n": 6], on: pool)
            try await publishEvent(.messageStatus, tenantID: tenant.id, payload: ["n": 7], on: pool)
        }
        #expect(filtered.map { $0.json?["payload"]?["n"]?.doubleValue } == [2, 4, 7])

        // Without Last-Event-ID a client gets only what happens after it connected.
        let fresh = try await readServerSentEvents(1, url: url, headers: tenant.headers, http: http) {
            try await instance.waitForSubscribers(tenant.id)
            try await publishEvent(.conversationHandoff, tenantID: tenant.id, payload: ["n": 8], on: pool)
        }
        #expect(fresh.first?.json?["payload"]?["n"]?.doubleValue == 8)

        // The other tenant only ever sees its own events.
        let theirs = try await readServerSentEvents(
            2, url: url + "?last_event_id=0", headers: other.headers, http: http)
        let expected: [JSONValue?] = [["secret": "other tenant"], ["n": -1]]
        #expect(theirs.map { $0.json?["payload"] } == expected)

        // Bad input is a 4xx JSON error; no key is a 401.
        let badType = try await http.execute(
            HTTPClientRequest(url: url + "?types=message.received,bogus", headers: tenant.headers))
        #expect(badType.status == 422)
        #expect(try badType.decode(JSONValue.self)["error"]?["fields"]?[0]?["field"]?.stringValue == "types")
        var badID = tenant.headers
        badID.add(name: "Last-Event-ID", value: "yesterday")
        let badResume = try await http.execute(HTTPClientRequest(url: url, headers: badID))
        #expect(badResume.status == 400)
        #expect(try badResume.decode(JSONValue.self)["error"]?["code"]?.stringValue == "invalid_last_event_id")
        #expect(try await http.execute(HTTPClientRequest(url: url)).status == 401)
        await instance.stop()
    }

    @Test("an event committed through one instance reaches an SSE client connected to another")
    func acrossInstances() async throws {
        let database = try TestDatabase.create()
        let a = try await LiveInstance.start(database: database)
        let b = try await LiveInstance.start(database: database)
        let tenant = try await LiveTenant.create("Duas Instâncias", on: a, http: http)
        let session = try #require(try await SessionStore(pool: a.pool).resolve(tenantID: tenant.id, name: nil))
        let inbound = MessageStore.NewInbound(
            tenantID: tenant.id, sessionID: session.id, provider: .sandbox, providerMessageID: "sandbox.in-77",
            customerNumber: "5511988887777", kind: .text, content: ["body": "Quero visitar o AP-1003"], replyTo: nil,
            receivedAt: Date())
        let events = try await readServerSentEvents(
            2, url: b.baseURL + "/api/v1/events", headers: tenant.headers, http: http
        ) {
            try await b.waitForSubscribers(tenant.id)
            let conversations = ConversationStore(pool: a.pool)
            try await conversations.recordInbound(inbound, debounce: .seconds(30))
            // A redelivered webhook stores nothing and publishes nothing.
            try await conversations.recordInbound(inbound, debounce: .seconds(30))
            try await publishEvent(.conversationHandoff, tenantID: tenant.id, payload: ["marker": true], on: a.pool)
        }
        #expect(events.map(\.event) == ["message.received", "conversation.handoff"])
        let payload = try #require(events.first?.json?["payload"])
        #expect(payload["customer_number"]?.stringValue == "5511988887777")
        #expect(payload["text_preview"]?.stringValue == "Quero visitar o AP-1003")
        #expect(payload["provider_message_id"]?.stringValue == "sandbox.in-77")
        let messageID = try #require(payload["message_id"]?.stringValue)
        #expect(
            try await a.pool.query("SELECT count(*)::int8 AS n FROM messages WHERE id = \(messageID)::uuid").first!
                .decode("n", as: Int64.self) == 1)
        await a.stop()
        await b.stop()
    }

    @Test("WebSocket clients get the same events, replayed and live")
    func webSocket() async throws {
        let instance = try await LiveInstance.start(database: try TestDatabase.create())
        let tenant = try await LiveTenant.create("Soquete", on: instance, http: http)
        try await publishEvent(.messageReceived, tenantID: tenant.id, payload: ["n": 1], on: instance.pool)
        try await publishEvent(.messageStatus, tenantID: tenant.id, payload: ["n": 2], on: instance.pool)
        let port = try #require(instance.baseURL.split(separator: ":").last)
        let received = Recorder()
        var configuration = WebSocketClientConfiguration()
        configuration.additionalHeaders = [
            HTTPField.Name("X-Client-Id")!: tenant.clientID, .authorization: "Bearer \(tenant.key)",
        ]
        let pool = instance.pool
        try await WebSocketClient.connect(
            url: "ws://127.0.0.1:\(port)/api/v1/ws?last_event_id=0&types=message.received,message.status",
            configuration: configuration, logger: TestDatabase.logger
        ) { inbound, _, _ in
            var published = false
            for try await message in inbound.messages(maxSize: 1 << 20) {
                guard case .text(let text) = message else { continue }
                let event = try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
                let count = received.values.withLock {
                    $0.append(event)
                    return $0.count
                }
                if count == 2, !published {
                    published = true
                    try await instance.waitForSubscribers(tenant.id)
                    try await publishEvent(.conversationHandoff, tenantID: tenant.id, payload: ["n": 0], on: pool)
                    try await publishEvent(.messageStatus, tenantID: tenant.id, payload: ["n": 3], on: pool)
                }
                if count == 3 { return }
            }
        }
        let events = received.values.withLock { $0 }
        #expect(events.map { $0["payload"]?["n"]?.doubleValue } == [1, 2, 3])
        #expect(events.map { $0["type"]?.stringValue } == ["message.received", "message.status", "message.status"])

        // The upgrade request goes through tenant auth and the same validation as SSE.
        let socketURL = instance.baseURL + "/api/v1/ws"
        #expect(try await http.execute(HTTPClientRequest(url: socketURL)).status == 401)
        let bad = try await http.execute(
            HTTPClientRequest(url: socketURL + "?types=everything", headers: tenant.headers))
        #expect(bad.status == 422)
        await instance.stop()
    }

    @Test("a client that does not keep up is disconnected instead of buffering without bound")
    func slowClient() async throws {
        var configuration = EventHub.Configuration()
        configuration.bufferSize = 4
        let instance = try await LiveInstance.start(database: try TestDatabase.create(), hub: configuration)
        let tenant = try await LiveTenant.create("Lenta", on: instance, http: http)
        let subscription = instance.hub.subscribe(tenantID: tenant.id, types: [], after: nil)
        let pool = instance.pool
        let (resume, resumeContinuation) = AsyncStream.makeStream(of: Void.self)
        let reader = Task {
            var iterator = subscription.makeAsyncIterator()
            var received = 0
            // The first event proves the client is live; then it stops reading for a while.
            if case .event = try await iterator.next() { received += 1 }
            for await _ in resume { break }
            do {
                while let message = try await iterator.next() {
                    if case .event = message { received += 1 }
                }
                return (received, false)
            } catch EventStreamError.slowConsumer {
                return (received, true)
            }
        }
        try await instance.waitForSubscribers(tenant.id)
        try await publishEvent(.messageStatus, tenantID: tenant.id, on: pool)
        for _ in 0..<20 { try await publishEvent(.messageStatus, tenantID: tenant.id, on: pool) }
        // The hub drops the client as soon as its buffer overflows.
        try await instance.waitForSubscribers(tenant.id, count: 0)
        resumeContinuation.yield()
        let (received, cut) = try await reader.value
        #expect(cut)
        #expect(received <= 1 + configuration.bufferSize)
        await instance.stop()
    }
}

/// Collects what a WebSocket handler received.
final class Recorder: Sendable {
    let values = Mutex<[JSONValue]>([])
}

@Suite("Event producers and retention")
struct EventProducerTests {
    @Test("a status that moves forward publishes message.status; a late or repeated one does not")
    func messageStatus() async throws {
        let pool = try TestDatabase.makePool()
        let (tenant, _) = try await TenantStore(pool: pool).create(name: "Status", actor: "test")
        let session = try #require(try await SessionStore(pool: pool).resolve(tenantID: tenant.id, name: nil))
        let messages = MessageStore(pool: pool)
        _ = try await messages.enqueue(
            .init(
                tenantID: tenant.id, session: session, customerNumber: "5511977776666", type: "text",
                content: ["body": "Oi"]))
        let claimed = try #require(try await messages.claimDue(limit: 1, lease: .seconds(30)).first)
        try await messages.markSent(claimed, provider: .sandbox, providerMessageID: "sandbox.out-1")
        for status in [MessageStatus.read, .delivered, .read] {
            try await messages.applyStatus(
                tenantID: tenant.id, provider: .sandbox, providerMessageID: "sandbox.out-1", status: status, at: Date())
        }
        let events = try await pool.withConnection { try EventLog.events(tenantID: tenant.id, after: 0, on: $0) }
        // Accepted by the provider, then read; the late "delivered" and the repeated "read" say nothing.
        #expect(events.map(\.type) == ["message.status", "message.status"])
        #expect(events.compactMap { $0.payload["status"]?.stringValue } == ["sent", "read"])
        #expect(events.last?.payload["message_id"]?.stringValue == claimed.id.uuidString.lowercased())
        #expect(events.first?.payload["message_id"]?.stringValue == claimed.id.uuidString.lowercased())
        #expect(events.allSatisfy { $0.payload["provider_message_id"]?.stringValue == "sandbox.out-1" })
        // Times in the payload are ISO 8601 in UTC, whether written by the application or the database.
        let times = events.compactMap {
            $0.payload["at"]?.stringValue.flatMap { ISO8601DateFormatter().date(from: $0) }
        }
        #expect(times.count == 2)
        #expect(times.allSatisfy { abs($0.timeIntervalSinceNow) < 120 })

        // A send that fails for good is announced with the provider's code.
        let failing = try await messages.enqueue(
            .init(
                tenantID: tenant.id, session: session, customerNumber: "5511977776666", type: "text",
                content: ["body": "Oi de novo"]))
        let second = try #require(try await messages.claimDue(limit: 1, lease: .seconds(30)).first)
        guard case .created(let queued) = failing else {
            Issue.record("expected a new message, got \(failing)")
            return
        }
        #expect(second.id == queued.id)
        try await messages.markFailed(second, code: "131026", reason: "Message undeliverable")
        try await messages.markFailed(second, code: "131026", reason: "Message undeliverable")
        let after = try await pool.withConnection {
            try EventLog.events(tenantID: tenant.id, after: events.last?.id ?? 0, on: $0)
        }
        #expect(after.count == 1)
        #expect(after.first?.payload["status"]?.stringValue == "failed")
        #expect(after.first?.payload["error_code"]?.stringValue == "131026")
        #expect(after.first?.payload["message_id"]?.stringValue == second.id.uuidString.lowercased())
    }

    @Test("the purger removes events past retention and keeps newer ones")
    func retention() async throws {
        let pool = try TestDatabase.makePool()
        let (tenant, _) = try await TenantStore(pool: pool).create(name: "Retenção", actor: "test")
        try await publishEvent(.messageReceived, tenantID: tenant.id, on: pool)
        try await pool.query("UPDATE events SET created_at = now() - interval '2 days'")
        try await publishEvent(.messageStatus, tenantID: tenant.id, on: pool)
        let purger = EventPurger(pool: pool, retention: .seconds(24 * 3600), logger: TestDatabase.logger)
        #expect(try await purger.purgeOnce() == 1)
        let left = try await pool.withConnection { try EventLog.events(tenantID: tenant.id, after: 0, on: $0) }
        #expect(left.map(\.type) == ["message.status"])
    }

    @Test("a client resuming from before the purge horizon is told it missed events; one past it is not")
    func purgedResume() async throws {
        let http = HTTPClient()
        let instance = try await LiveInstance.start(database: try TestDatabase.create())
        let tenant = try await LiveTenant.create("Lacuna", on: instance, http: http)
        let first = try await publishEvent(.messageReceived, tenantID: tenant.id, payload: ["n": 1], on: instance.pool)
        let second = try await publishEvent(.messageStatus, tenantID: tenant.id, payload: ["n": 2], on: instance.pool)
        try await instance.pool.query(
            "UPDATE events SET created_at = now() - interval '2 days' WHERE tenant_id = \(tenant.id)")
        try await publishEvent(.messageStatus, tenantID: tenant.id, payload: ["n": 3], on: instance.pool)
        let purger = EventPurger(pool: instance.pool, retention: .seconds(24 * 3600), logger: TestDatabase.logger)
        #expect(try await purger.purgeOnce() == 2)

        var behind = tenant.headers
        behind.add(name: "Last-Event-ID", value: "\(first)")
        let told = try await readServerSentEvents(
            2, url: instance.baseURL + "/api/v1/events", headers: behind, http: http)
        #expect(told.map(\.event) == ["stream.gap", "message.status"])
        #expect(told.first?.id == nil, "the notice leaves the client's last id alone")
        #expect(told.first?.json?["last_event_id"]?.doubleValue == Double(first))
        #expect(told.first?.json?["purged_through"]?.doubleValue == Double(second))
        #expect(told.last?.json?["payload"]?["n"]?.doubleValue == 3)

        var current = tenant.headers
        current.add(name: "Last-Event-ID", value: "\(second)")
        let clean = try await readServerSentEvents(
            1, url: instance.baseURL + "/api/v1/events", headers: current, http: http)
        #expect(clean.map(\.event) == ["message.status"])
        await instance.stop()
        await http.shutdown()
    }

    @Test("durations in the environment are read with their units")
    func settings() throws {
        #expect(RealtimeSettings.parseDuration("24h") == .seconds(86400))
        #expect(RealtimeSettings.parseDuration("500ms") == .milliseconds(500))
        #expect(RealtimeSettings.parseDuration("15m") == .seconds(900))
        #expect(RealtimeSettings.parseDuration("90") == .seconds(90))
        #expect(RealtimeSettings.parseDuration("soon") == nil)
        let settings = try RealtimeSettings.load(environment: [
            "PAPO_EVENTS_RETENTION": "2d", "PAPO_WEBHOOK_MAX_ATTEMPTS": "5",
        ])
        #expect(settings.eventsRetention == .seconds(2 * 86400))
        #expect(settings.webhookWorker.backoff.maxAttempts == 5)
        #expect(throws: ConfigurationError.self) {
            try RealtimeSettings.load(environment: ["PAPO_EVENTS_RETENTION": "1s"])
        }
    }
}

extension RealtimeTests {
    @Test("an SSE client that stops reading is disconnected once its buffer overflows")
    func stalledStreamIsCut() async throws {
        var configuration = EventHub.Configuration()
        configuration.bufferSize = 8
        let instance = try await LiveInstance.start(database: try TestDatabase.create(), hub: configuration)
        let tenant = try await LiveTenant.create("Parada", on: instance, http: http)
        let port = try #require(instance.baseURL.split(separator: ":").last.flatMap { Int($0) })
        let socket = try StalledSocket(
            port: port,
            request: "GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Client-Id: \(tenant.clientID)\r\n"
                + "Authorization: Bearer \(tenant.key)\r\n\r\n")
        try await instance.waitForSubscribers(tenant.id)
        // Far more than the socket buffers hold: the server's writes stall, then the hub cuts it.
        let filler = String(repeating: "x", count: 64 * 1024)
        var published = 0
        while instance.hub.subscriberCount(tenantID: tenant.id) > 0, published < 2000 {
            try await publishEvent(
                .messageStatus, tenantID: tenant.id, payload: ["filler": .string(filler)], on: instance.pool)
            published += 1
        }
        #expect(instance.hub.subscriberCount(tenantID: tenant.id) == 0)
        let (text, closed) = try await socket.readToEnd(timeout: .seconds(20))
        #expect(closed, "the server should have ended the stream")
        let received = text.components(separatedBy: "\nevent: message.status\n").count - 1
        #expect(received < published)
        await instance.stop()
    }
}

extension RealtimeTests {
    @Test("events committed while the listening connection is down still reach live clients")
    func listenerReconnect() async throws {
        var configuration = EventHub.Configuration()
        configuration.pollInterval = .seconds(600)
        let instance = try await LiveInstance.start(database: try TestDatabase.create(), hub: configuration)
        let tenant = try await LiveTenant.create("Reconexão", on: instance, http: http)
        let pool = instance.pool
        let events = try await readServerSentEvents(
            2, url: instance.baseURL + "/api/v1/events", headers: tenant.headers, http: http
        ) {
            try await instance.waitForSubscribers(tenant.id)
            try await publishEvent(.messageStatus, tenantID: tenant.id, payload: ["n": 1], on: pool)
            // Let the hub read the first event on its own before the second appears.
            try await Task.sleep(for: .milliseconds(500))
            // An event whose NOTIFY never arrived (as when it was sent while the listener was
            // away): the hub finds it by re-reading when the listener reconnects.
            try await pool.query(
                """
                INSERT INTO events (tenant_id, type, payload) VALUES (\(tenant.id), 'message.status', '{"n": 2}')
                """)
            let killed = try await pool.query(
                """
                SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
                WHERE datname = current_database() AND query ILIKE 'LISTEN%' AND pid <> pg_backend_pid()
                """)
            #expect(killed.count == 1)
        }
        #expect(events.map { $0.json?["payload"]?["n"]?.doubleValue } == [1, 2])
        await instance.stop()
    }
}

extension RealtimeTests {
    @Test("an event whose transaction commits late is not skipped by a client already past a later id")
    func lateCommitNotSkipped() async throws {
        let instance = try await LiveInstance.start(database: try TestDatabase.create())
        let tenant = try await LiveTenant.create("Ordem", on: instance, http: http)
        let pool = instance.pool
        let events = try await readServerSentEvents(
            2, url: instance.baseURL + "/api/v1/events", headers: tenant.headers, http: http
        ) {
            try await instance.waitForSubscribers(tenant.id)
            // The first transaction inserts its event, then stays open for a while; the second
            // starts later and commits first. Ids are given at commit, so the second gets the
            // smaller one and the first, committing later, a larger one: a reader past the
            // second's id still finds the first.
            async let slow: Void = pool.withTransaction { connection in
                try EventLog.publish(.messageStatus, tenantID: tenant.id, payload: ["n": 1], on: connection)
                Thread.sleep(forTimeInterval: 0.5)
            }
            try await Task.sleep(for: .milliseconds(100))
            try await publishEvent(.messageStatus, tenantID: tenant.id, payload: ["n": 2], on: pool)
            try await slow
        }
        #expect(events.map { $0.json?["payload"]?["n"]?.doubleValue } == [2, 1])
        let ids = events.compactMap { $0.id.flatMap { Int64($0) } }
        #expect(ids.count == 2 && ids[0] < ids[1], "stream ids follow commit order: \(ids)")
        let stored = try await pool.query(
            "SELECT id, payload->>'n' AS n FROM events WHERE tenant_id = \(tenant.id) ORDER BY id")
        #expect(try stored.map { try $0.decode("n", as: String.self) } == ["2", "1"])
        await instance.stop()
    }
}

extension RealtimeTests {
    @Test("an idle SSE stream gets heartbeat comments")
    func heartbeats() async throws {
        var configuration = EventHub.Configuration()
        configuration.heartbeatInterval = .milliseconds(100)
        let instance = try await LiveInstance.start(database: try TestDatabase.create(), hub: configuration)
        let tenant = try await LiveTenant.create("Pulso", on: instance, http: http)
        var request = HTTPClientRequest(url: instance.baseURL + "/api/v1/events", headers: tenant.headers)
        request.timeout = .seconds(2)
        var text = ""
        do {
            for try await chunk in try await http.stream(request).ensureSuccess().body {
                text += String(decoding: chunk, as: UTF8.self)
                if text.components(separatedBy: ": heartbeat\n\n").count > 2 { break }
            }
        } catch let error as HTTPClientError where error.code == .timeout {}
        #expect(text.hasPrefix("retry: 2000\n: connected\n\n"))
        #expect(text.components(separatedBy: ": heartbeat\n\n").count > 2)
        await instance.stop()
    }
}
