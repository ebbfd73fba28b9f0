import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import PapoCore
import PapoHTTP
import PapoPostgres
import PapoProviders
import PapoServer
import PapoStore
import PapoTestKit
import Synchronization
import Testing

@Suite("Messages API and the outbox")
struct MessagesTests {
    let app: TestApp

    init() throws {
        app = try TestApp()
    }

    func sender(directory: any ProviderDirectory) -> OutboxSender {
        var configuration = OutboxSender.Configuration()
        configuration.backoff = Backoff(base: .milliseconds(10), cap: .milliseconds(20), maxAttempts: 3)
        return OutboxSender(
            messages: MessageStore(pool: app.pool), sessions: SessionStore(pool: app.pool), directory: directory,
            router: ProviderRouter(), listener: nil, configuration: configuration, logger: TestDatabase.logger)
    }

    @Test("a text is queued with 202, sent through the Sandbox, and its status advances to read")
    func sandboxEndToEnd() async throws {
        let directory = DefaultProviderDirectory(
            sandboxConfiguration: .init(
                sentDelay: .milliseconds(5), deliveredDelay: .milliseconds(20), readDelay: .milliseconds(40)))
        let sender = sender(directory: directory)
        let messages = MessageStore(pool: app.pool)
        let pump = SandboxStatusPump(directory: directory, messages: messages, logger: TestDatabase.logger)
        try await app.run { client in
            let tenant = try await client.createTenant("Envios")
            let accepted = try await client.execute(
                uri: "/api/v1/messages/text", method: .post, headers: tenant.headers,
                body: .json(["to": "+55 (11) 99999-8888", "text": "Olá! Seu imóvel foi reservado."]))
            #expect(accepted.status == .accepted)
            let body = try accepted.json()
            #expect(body["status"] as? String == "queued")
            #expect(body["to"] as? String == "5511999998888")
            let id = try #require(body["id"] as? String)

            #expect(try await sender.drainOnce() == 1)
            let sent = try await client.execute(
                uri: "/api/v1/messages/\(id)/status", method: .get, headers: tenant.headers)
            let sentBody = try sent.json()
            #expect(sentBody["status"] as? String == "sent")
            #expect((sentBody["provider_message_id"] as? String)?.hasPrefix("sandbox.") == true)
            #expect((sentBody["timestamps"] as? [String: Any])?["sent"] != nil)

            // The simulated customer phone reports delivered, then read.
            let sessions = directory.allSandboxes
            #expect(sessions.count == 1)
            let (sessionID, sandbox) = try #require(sessions.first)
            #expect(sandbox.history().map(\.text) == ["Olá! Seu imóvel foi reservado."])
            _ = sessionID
            let pumping = Task { try await pump.run() }
            defer { pumping.cancel() }
            var status = ""
            for _ in 0..<100 where status != "read" {
                try await Task.sleep(for: .milliseconds(20))
                let current = try await client.execute(
                    uri: "/api/v1/messages/\(id)/status", method: .get, headers: tenant.headers)
                status = try current.json()["status"] as? String ?? ""
            }
            #expect(status == "read")
        }
    }

    @Test("field errors are named; nothing is queued")
    func validation() async throws {
        try await app.run { client in
            let tenant = try await client.createTenant("Validando")
            let cases: [(String, [String: Any], String)] = [
                ("text", ["to": "abc", "text": "oi"], "to"),
                ("text", ["to": "5511999998888", "text": String(repeating: "a", count: 4097)], "text"),
                ("text", ["to": "5511999998888"], "text"),
                ("location", ["to": "5511999998888", "latitude": 91, "longitude": 0], "latitude"),
                ("media", ["to": "5511999998888", "type": "image", "url": "https://x/a.png", "media_id": "1"], "url"),
                ("media", ["to": "5511999998888", "type": "gif", "url": "https://x/a.gif"], "type"),
                ("text", ["to": "5511999998888", "text": "oi", "colour": "red"], "colour"),
                ("text", ["to": "5511999998888", "text": "oi", "session": "nope"], "session"),
            ]
            for (endpoint, body, field) in cases {
                let response = try await client.execute(
                    uri: "/api/v1/messages/\(endpoint)", method: .post, headers: tenant.headers, body: .json(body))
                #expect(response.status == .unprocessableContent, "\(endpoint) \(body)")
                let error = try #require(try response.json()["error"] as? [String: Any])
                let fields = (error["fields"] as? [[String: String]] ?? []).compactMap { $0["field"] }
                #expect(fields.contains { $0.hasPrefix(field) }, "expected \(field) in \(fields)")
            }
        }
        let count = try await app.pool.query("SELECT count(*) AS n FROM messages")
        #expect(try count.first?.decode("n", as: Int.self) == 0)
    }

    @Test("the same Idempotency-Key and body return the first message; another body is a 409")
    func idempotency() async throws {
        try await app.run { client in
            let tenant = try await client.createTenant("Idempotente")
            var headers = tenant.headers
            headers[.idempotencyKey] = "order-123-confirmation"
            let body: [String: Any] = ["to": "5511988887777", "text": "Pedido confirmado"]
            let first = try await client.execute(
                uri: "/api/v1/messages/text", method: .post, headers: headers, body: .json(body))
            let second = try await client.execute(
                uri: "/api/v1/messages/text", method: .post, headers: headers, body: .json(body))
            #expect(first.status == .accepted && second.status == .accepted)
            #expect(try first.json()["id"] as? String == second.json()["id"] as? String)
            #expect(second.headers[.idempotentReplayed] == "true")
            let other = try await client.execute(
                uri: "/api/v1/messages/text", method: .post, headers: headers,
                body: .json(["to": "5511988887777", "text": "Pedido cancelado"]))
            #expect(other.status == .conflict)
            #expect(try other.errorCode() == "idempotency_conflict")
        }
        let count = try await app.pool.query("SELECT count(*) AS n FROM messages")
        #expect(try count.first?.decode("n", as: Int.self) == 1)
    }

    @Test(
        "retryable failures back off and retry, permanent ones fail with the provider's code, 131047 asks for a template"
    )
    func failures() async throws {
        let flaky = ScriptedDirectory(errors: [
            ProviderError(.retryable, code: "131000", message: "Something went wrong", provider: .meta)
        ])
        let sender = sender(directory: flaky)
        try await app.run { client in
            let tenant = try await client.createTenant("Falhas")
            let queued = try await client.execute(
                uri: "/api/v1/messages/text", method: .post, headers: tenant.headers,
                body: .json(["to": "5511977776666", "text": "tentativa"]))
            let id = try #require(try queued.json()["id"] as? String)
            try await sender.drainOnce()
            let retrying = try await client.execute(
                uri: "/api/v1/messages/\(id)/status", method: .get, headers: tenant.headers)
            #expect(try retrying.json()["status"] as? String == "queued")
            #expect((try retrying.json()["error"] as? [String: String])?["code"] == "131000")
            try await Task.sleep(for: .milliseconds(50))
            try await sender.drainOnce()
            let sent = try await client.execute(
                uri: "/api/v1/messages/\(id)/status", method: .get, headers: tenant.headers)
            #expect(try sent.json()["status"] as? String == "sent")
            #expect(try sent.json()["attempts"] as? Int == 2)

            flaky.push(ProviderError(.permanent, code: "131026", message: "Message undeliverable", provider: .meta))
            let doomed = try await client.execute(
                uri: "/api/v1/messages/text", method: .post, headers: tenant.headers,
                body: .json(["to": "5511977776666", "text": "sem WhatsApp"]))
            let doomedID = try #require(try doomed.json()["id"] as? String)
            try await sender.drainOnce()
            let failed = try await client.execute(
                uri: "/api/v1/messages/\(doomedID)/status", method: .get, headers: tenant.headers)
            #expect(try failed.json()["status"] as? String == "failed")
            #expect((try failed.json()["error"] as? [String: String])?["code"] == "131026")

            flaky.push(ProviderError(.needsTemplate, code: "131047", message: "Re-engagement message", provider: .meta))
            let late = try await client.execute(
                uri: "/api/v1/messages/text", method: .post, headers: tenant.headers,
                body: .json(["to": "5511977776666", "text": "depois de 24h"]))
            let lateID = try #require(try late.json()["id"] as? String)
            try await sender.drainOnce()
            let window = try await client.execute(
                uri: "/api/v1/messages/\(lateID)/status", method: .get, headers: tenant.headers)
            let error = try #require(try window.json()["error"] as? [String: String])
            #expect(error["code"] == "131047")
            #expect(error["message"]?.contains("template") == true)

            // Retryable errors past the attempt limit end as failed, with the last error.
            for _ in 0..<3 {
                flaky.push(ProviderError(.retryable, code: "130429", message: "Rate limit hit", provider: .meta))
            }
            let stubborn = try await client.execute(
                uri: "/api/v1/messages/text", method: .post, headers: tenant.headers,
                body: .json(["to": "5511977776666", "text": "limite"]))
            let stubbornID = try #require(try stubborn.json()["id"] as? String)
            for _ in 0..<3 {
                try await sender.drainOnce()
                try await Task.sleep(for: .milliseconds(40))
            }
            let exhausted = try await client.execute(
                uri: "/api/v1/messages/\(stubbornID)/status", method: .get, headers: tenant.headers)
            #expect(try exhausted.json()["status"] as? String == "failed")
            #expect((try exhausted.json()["error"] as? [String: String])?["code"] == "130429")
        }
    }
}

extension MessagesTests {
    @Test("messages claimed by a sender that died are delivered once after its lease runs out")
    func restartDeliversOnce() async throws {
        let directory = DefaultProviderDirectory(sandboxConfiguration: .init(simulatesRead: false))
        let messages = MessageStore(pool: app.pool)
        let ids = try await app.run { client in
            let tenant = try await client.createTenant("Reinício")
            var ids: [String] = []
            for index in 0..<3 {
                let response = try await client.execute(
                    uri: "/api/v1/messages/text", method: .post, headers: tenant.headers,
                    body: .json(["to": "5511966665555", "text": "mensagem \(index)"]))
                ids.append(try #require(try response.json()["id"] as? String))
            }
            return ids
        }
        // A sender claims the batch and "crashes" before sending anything.
        let orphaned = try await messages.claimDue(limit: 10, lease: .seconds(1))
        #expect(orphaned.count == 3)
        #expect(try await sender(directory: directory).drainOnce() == 0)
        try await Task.sleep(for: .milliseconds(1200))
        // The next process picks them up once the lease has expired, and only once.
        let next = sender(directory: directory)
        #expect(try await next.drainOnce() == 3)
        #expect(try await next.drainOnce() == 0)
        let sandbox = try #require(directory.allSandboxes.values.first)
        #expect(sandbox.history().compactMap(\.text).sorted() == ["mensagem 0", "mensagem 1", "mensagem 2"])
        let rows = try await app.pool.query("SELECT status, attempts FROM messages ORDER BY seq")
        #expect(try rows.map { try $0.decode("status", as: String.self) } == ["sent", "sent", "sent"])
        #expect(try rows.map { try $0.decode("attempts", as: Int.self) } == [2, 2, 2])
        #expect(ids.count == 3)
    }
}

extension MessagesTests {
    @Test("one recipient's messages go out in order and paced; a long pacing wait returns the message to the outbox")
    func pacing() async throws {
        let directory = DefaultProviderDirectory(sandboxConfiguration: .init(simulatesRead: false))
        var configuration = OutboxSender.Configuration()
        configuration.recipientRate = .init(perSecond: 20, burst: 2)
        configuration.maxPacingWait = .milliseconds(500)
        let sender = OutboxSender(
            messages: MessageStore(pool: app.pool), sessions: SessionStore(pool: app.pool), directory: directory,
            router: ProviderRouter(), listener: nil, configuration: configuration, logger: TestDatabase.logger)
        try await app.run { client in
            let tenant = try await client.createTenant("Ritmo")
            for index in 1...5 {
                _ = try await client.execute(
                    uri: "/api/v1/messages/text", method: .post, headers: tenant.headers,
                    body: .json(["to": "5511955554444", "text": "parte \(index)"]))
            }
        }
        #expect(try await sender.drainOnce() == 5)
        let sandbox = try #require(directory.allSandboxes.values.first)
        #expect(sandbox.history().compactMap(\.text) == ["parte 1", "parte 2", "parte 3", "parte 4", "parte 5"])

        // A recipient rate so slow that the next slot is minutes away: the message is put back.
        var slow = OutboxSender.Configuration()
        slow.recipientRate = .init(perSecond: 0.001, burst: 1)
        slow.maxPacingWait = .seconds(1)
        let patient = OutboxSender(
            messages: MessageStore(pool: app.pool), sessions: SessionStore(pool: app.pool), directory: directory,
            router: ProviderRouter(), listener: nil, configuration: slow, logger: TestDatabase.logger)
        try await app.run { client in
            let tenant = try await client.createTenant("Devagar")
            for text in ["primeira", "segunda"] {
                _ = try await client.execute(
                    uri: "/api/v1/messages/text", method: .post, headers: tenant.headers,
                    body: .json(["to": "5511944443333", "text": text]))
            }
        }
        #expect(try await patient.drainOnce() == 2)
        let rows = try await app.pool.query(
            "SELECT status, attempts, next_attempt_at > now() AS later FROM messages WHERE customer_number = '5511944443333' ORDER BY seq"
        )
        #expect(try rows.map { try $0.decode("status", as: String.self) } == ["sent", "queued"])
        #expect(try rows.last?.decode("attempts", as: Int.self) == 0)
        #expect(try rows.last?.decode("later", as: Bool.self) == true)
    }
}

extension MessagesTests {
    static func multipart(
        _ fields: [String: String], file: Data, type: String, filename: String
    ) -> (HTTPFields, ByteBuffer) {
        let boundary = "papo-test-\(UUID().uuidString)"
        var body = Data()
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            body.append(
                Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        body.append(
            Data(
                "--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(filename)\"\r\nContent-Type: \(type)\r\n\r\n"
                    .utf8))
        body.append(file)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        return ([.contentType: "multipart/form-data; boundary=\(boundary)"], ByteBuffer(bytes: body))
    }

    @Test("an uploaded file is stored once by its SHA-256, uploaded to the provider once, and sent")
    func mediaUpload() async throws {
        let directory = DefaultProviderDirectory(sandboxConfiguration: .init(simulatesRead: false))
        var configuration = OutboxSender.Configuration()
        configuration.recipientRate = .init(perSecond: 100, burst: 100)
        let sender = OutboxSender(
            messages: MessageStore(pool: app.pool), sessions: SessionStore(pool: app.pool), directory: directory,
            router: ProviderRouter(), listener: nil, media: MediaStore(pool: app.pool, directory: app.mediaDirectory),
            configuration: configuration, logger: TestDatabase.logger)
        let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: UInt8(7), count: 2048))
        try await app.run { client in
            let tenant = try await client.createTenant("Mídia")
            for caption in ["Fachada", "Fachada de novo"] {
                var (headers, body) = Self.multipart(
                    ["to": "5511933332222", "type": "image", "caption": caption], file: png, type: "image/png",
                    filename: "fachada.png")
                headers[.clientID] = tenant.clientID
                headers[.authorization] = "Bearer \(tenant.key)"
                let response = try await client.execute(
                    uri: "/api/v1/messages/media", method: .post, headers: headers, body: body)
                #expect(response.status == .accepted)
            }
            var (headers, body) = Self.multipart(
                ["to": "5511933332222", "type": "image"], file: Data("GIF89a".utf8), type: "image/gif",
                filename: "x.gif")
            headers[.clientID] = tenant.clientID
            headers[.authorization] = "Bearer \(tenant.key)"
            let refused = try await client.execute(
                uri: "/api/v1/messages/media", method: .post, headers: headers, body: body)
            #expect(refused.status == .unprocessableContent)
        }
        let stored = try await app.pool.query("SELECT storage_path, size_bytes FROM media")
        #expect(stored.count == 1)
        let path = try #require(try stored.first?.decode("storage_path", as: String.self))
        #expect(FileManager.default.contents(atPath: path) == png)

        #expect(try await sender.drainOnce() == 2)
        let sandbox = try #require(directory.allSandboxes.values.first)
        #expect(sandbox.history().count == 2)
        let ids = try await app.pool.query("SELECT provider_media_ids FROM media").first!
            .decodeJSON("provider_media_ids", as: [String: JSONValue].self)
        #expect(ids.count == 1)
        #expect(ids.values.first?.stringValue?.hasPrefix("sandbox-media.") == true)
        let statuses = try await app.pool.query("SELECT status FROM messages ORDER BY seq")
        #expect(try statuses.map { try $0.decode("status", as: String.self) } == ["sent", "sent"])
    }
}

extension MessagesTests {
    @Test("when the preferred provider keeps failing, the tenant's fallback provider delivers")
    func fallbackProvider() async throws {
        let directory = FailingMetaDirectory()
        let sender = sender(directory: directory)
        try await app.run { client in
            let tenant = try await client.createTenant("Reserva")
            try await app.pool.query(
                """
                WITH t AS (SELECT id FROM tenants WHERE client_id = \(tenant.clientID))
                INSERT INTO whatsapp_sessions (tenant_id, name, provider, status, is_default)
                SELECT id, 'oficial', 'meta', 'connected', true FROM t
                UNION ALL SELECT id, 'reserva', 'sandbox', 'connected', false FROM t
                """)
            _ = try await client.execute(
                uri: "/api/v1/tenant/settings", method: .put, headers: tenant.headers,
                body: .json(["preferred_provider": "meta", "fallback_provider": "sandbox"]))
            let queued = try await client.execute(
                uri: "/api/v1/messages/text", method: .post, headers: tenant.headers,
                body: .json(["to": "5511922221111", "text": "chegou pela reserva"]))
            let id = try #require(try queued.json()["id"] as? String)
            #expect(try queued.json()["provider"] as? String == "meta")
            try await sender.drainOnce()
            let status = try await client.execute(
                uri: "/api/v1/messages/\(id)/status", method: .get, headers: tenant.headers)
            #expect(try status.json()["status"] as? String == "sent")
            #expect(try status.json()["provider"] as? String == "sandbox")
        }
        #expect(directory.sandbox.history().compactMap(\.text) == ["chegou pela reserva"])
        #expect(directory.metaAttempts.withLock { $0 } == 1)
    }
}

extension MessagesTests {
    @Test("a Meta session's sealed credentials build a real Graph API client that the outbox sends through")
    func metaSessionSendsThroughGraphAPI() async throws {
        let graph = FakeGraphAPI(accessToken: "EAAG-session-token", phoneNumberID: "106540352242922")
        let base = try await graph.start()
        defer { Task { await graph.stop() } }
        let box = try SecretBox(configuration: "k1:" + SecretBox.generateKey())
        let credentials =
            #"{"phone_number_id":"106540352242922","access_token":"EAAG-session-token","base_url":"\#(base.absoluteString)"}"#
        let (sealed, keyID) = try box.seal(Data(credentials.utf8))
        let directory = DefaultProviderDirectory(
            credentials: .init(sessions: SessionStore(pool: app.pool), box: box, httpClient: HTTPClient()))
        let sender = sender(directory: directory)
        try await app.run { client in
            let tenant = try await client.createTenant("Oficial")
            try await app.pool.query(
                """
                INSERT INTO whatsapp_sessions (tenant_id, name, provider, status, is_default, session_data, session_key_id,
                                               external_id)
                SELECT id, 'oficial', 'meta', 'connected', true, \(sealed), \(keyID), '106540352242922'
                FROM tenants WHERE client_id = \(tenant.clientID)
                """)
            let queued = try await client.execute(
                uri: "/api/v1/messages/text", method: .post, headers: tenant.headers,
                body: .json(["to": "5511911110000", "text": "Olá pela API oficial"]))
            let id = try #require(try queued.json()["id"] as? String)
            #expect(try await sender.drainOnce() == 1)
            let status = try await client.execute(
                uri: "/api/v1/messages/\(id)/status", method: .get, headers: tenant.headers)
            #expect(try status.json()["status"] as? String == "sent")
            #expect((try status.json()["provider_message_id"] as? String)?.hasPrefix("wamid.") == true)
        }
        let send = try #require(graph.requests.first { $0.path.hasSuffix("/106540352242922/messages") })
        #expect(send.headers["authorization"] == "Bearer EAAG-session-token")
        let body = try #require(try JSONSerialization.jsonObject(with: send.body) as? [String: Any])
        #expect(body["to"] as? String == "+5511911110000")
        #expect((body["text"] as? [String: Any])?["body"] as? String == "Olá pela API oficial")
    }
}

/// Meta always answers "try later"; Sandbox sessions get a working Sandbox.
final class FailingMetaDirectory: ProviderDirectory, Sendable {
    let sandbox = SandboxProvider(configuration: .init(simulatesRead: false))
    let metaAttempts = Mutex(0)

    func provider(for session: SessionRecord) async throws -> any WhatsAppProvider {
        guard session.provider == .meta else { return sandbox }
        metaAttempts.withLock { $0 += 1 }
        let failing = SandboxProvider(configuration: .init(sessionKey: "meta-down"))
        failing.injectFailures(
            ProviderError(.retryable, code: "131000", message: "Something went wrong", provider: .meta), count: 10)
        return failing
    }
}

/// A directory whose provider fails with scripted errors, then succeeds.
final class ScriptedDirectory: ProviderDirectory, Sendable {
    let sandbox = SandboxProvider(configuration: .init(simulatesRead: false))
    private let errors: Mutex<[ProviderError]>

    init(errors: [ProviderError]) {
        self.errors = Mutex(errors)
    }

    func push(_ error: ProviderError) { errors.withLock { $0.append(error) } }

    func provider(for session: SessionRecord) async throws -> any WhatsAppProvider {
        if let error = errors.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
            sandbox.injectFailures(error)
        }
        return sandbox
    }
}
