import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PapoCore
import PapoPostgres
import PapoServer
import PapoStore
import PapoTestKit
import Testing

@Suite("Tenant-signed webhooks")
struct TenantWebhooksTests {
    let app: TestApp
    let box: SecretBox

    init() throws {
        app = try TestApp()
        box = try SecretBox(configuration: "k1:" + SecretBox.generateKey())
    }

    func run(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = PapoRouter.make(
            .init(pool: app.pool, migrator: app.migrator, adminKey: TestApp.adminKey, secretBox: box))
        try await Application(router: router, logger: TestDatabase.logger).test(.router, body)
    }

    static func signed(
        _ json: String, clientID: String, secret: String, at time: Date = Date()
    ) -> (HTTPFields, ByteBuffer) {
        let timestamp = String(Int(time.timeIntervalSince1970))
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data((timestamp + "." + json).utf8), using: SymmetricKey(data: Data(secret.utf8)))
        return (
            [
                .contentType: "application/json", .clientID: clientID, HTTPField.Name("X-Papo-Timestamp")!: timestamp,
                HTTPField.Name("X-Papo-Signature")!: "sha256=" + Data(mac).hexString,
            ], ByteBuffer(string: json)
        )
    }

    @Test("incoming messages need a fresh, valid signature and are stored once; the secret is sealed at rest")
    func incomingMessage() async throws {
        try await run { client in
            let tenant = try await client.createTenant("Integração")
            let issued = try await client.execute(
                uri: "/api/v1/tenant/webhook-secret", method: .post, headers: tenant.headers)
            #expect(issued.status == .created)
            let secret = try #require(try issued.json()["secret"] as? String)
            let json =
                #"{"from": "+55 11 98888-7777", "message_id": "crm-42", "text": "Quero visitar o AP-1003", "name": "Ana"}"#
            let (headers, body) = Self.signed(json, clientID: tenant.clientID, secret: secret)
            for _ in 0..<3 {
                let response = try await client.execute(
                    uri: "/api/v1/webhooks/incoming-message", method: .post, headers: headers, body: body)
                #expect(response.status == .ok)
            }
            let (wrong, _) = Self.signed(json, clientID: tenant.clientID, secret: "not-the-secret")
            #expect(
                try await client.execute(
                    uri: "/api/v1/webhooks/incoming-message", method: .post, headers: wrong, body: body
                )
                .status == .unauthorized)
            let (stale, staleBody) = Self.signed(
                json, clientID: tenant.clientID, secret: secret, at: Date().addingTimeInterval(-3600))
            let replay = try await client.execute(
                uri: "/api/v1/webhooks/incoming-message", method: .post, headers: stale, body: staleBody)
            #expect(try replay.errorCode() == "stale_timestamp")
            let (badHeaders, badBody) = Self.signed(
                #"{"from": "abc", "text": ""}"#, clientID: tenant.clientID, secret: secret)
            let invalid = try await client.execute(
                uri: "/api/v1/webhooks/incoming-message", method: .post, headers: badHeaders, body: badBody)
            #expect(invalid.status == .unprocessableContent)
        }
        let rows = try await app.pool.query(
            "SELECT customer_number, conversation_id IS NOT NULL AS linked FROM messages WHERE provider_message_id = 'ext:crm-42'"
        )
        #expect(rows.count == 1)
        #expect(try rows.first?.decode("customer_number", as: String.self) == "5511988887777")
        #expect(try rows.first?.decode("linked", as: Bool.self) == true)
        let leaks = try await app.pool.query(
            "SELECT count(*) AS n FROM tenants WHERE position('whsec_'::bytea in inbound_secret) > 0")
        #expect(try leaks.first?.decode("n", as: Int.self) == 0)
    }

    @Test("status updates advance a sent message and never move it back")
    func statusUpdate() async throws {
        try await run { client in
            let tenant = try await client.createTenant("Status Externo")
            let secret = try #require(
                try await client.execute(uri: "/api/v1/tenant/webhook-secret", method: .post, headers: tenant.headers)
                    .json()["secret"] as? String)
            let queued = try await client.execute(
                uri: "/api/v1/messages/text", method: .post, headers: tenant.headers,
                body: .json(["to": "5511977776666", "text": "oi"]))
            let id = try #require(try queued.json()["id"] as? String)
            let early = Self.signed(
                #"{"id": "\#(id)", "status": "delivered"}"#, clientID: tenant.clientID, secret: secret)
            #expect(
                try await client.execute(
                    uri: "/api/v1/webhooks/status-update", method: .post, headers: early.0, body: early.1
                )
                .status == .conflict)
            let messages = MessageStore(pool: app.pool)
            for claimed in try await messages.claimDue(limit: 10, lease: .seconds(30)) {
                try await messages.markSent(claimed, provider: .sandbox, providerMessageID: "sandbox.external-1")
            }
            for status in ["read", "delivered"] {
                let (headers, body) = Self.signed(
                    #"{"id": "\#(id)", "status": "\#(status)"}"#, clientID: tenant.clientID, secret: secret)
                #expect(
                    try await client.execute(
                        uri: "/api/v1/webhooks/status-update", method: .post, headers: headers, body: body
                    )
                    .status == .ok)
            }
            let status = try await client.execute(
                uri: "/api/v1/messages/\(id)/status", method: .get, headers: tenant.headers)
            #expect(try status.json()["status"] as? String == "read")
        }
    }

    @Test("a Supabase INSERT queues a send once; other events are ignored; the secret header is required")
    func supabase() async throws {
        try await run { client in
            let tenant = try await client.createTenant("Supa")
            let secret = try #require(
                try await client.execute(uri: "/api/v1/tenant/webhook-secret", method: .post, headers: tenant.headers)
                    .json()["secret"] as? String)
            let headers: HTTPFields = [
                .contentType: "application/json", .clientID: tenant.clientID,
                HTTPField.Name("X-Papo-Webhook-Secret")!: secret,
            ]
            let insert: [String: Any] = [
                "type": "INSERT", "table": "outbound_messages", "schema": "public",
                "record": [
                    "id": 7, "to": "5511966665555", "text": "Seu boleto vence amanhã", "created_at": "2026-11-24",
                ],
                "old_record": NSNull(),
            ]
            let first = try await client.execute(
                uri: "/api/v1/webhooks/supabase", method: .post, headers: headers, body: .json(insert))
            #expect(first.status == .accepted)
            let again = try await client.execute(
                uri: "/api/v1/webhooks/supabase", method: .post, headers: headers, body: .json(insert))
            #expect(try first.json()["id"] as? String == again.json()["id"] as? String)
            var update = insert
            update["type"] = "UPDATE"
            let ignored = try await client.execute(
                uri: "/api/v1/webhooks/supabase", method: .post, headers: headers, body: .json(update))
            #expect(ignored.status == .ok)
            var forged = headers
            forged[HTTPField.Name("X-Papo-Webhook-Secret")!] = "whsec_guess"
            #expect(
                try await client.execute(
                    uri: "/api/v1/webhooks/supabase", method: .post, headers: forged, body: .json(insert)
                )
                .status == .unauthorized)
        }
        let rows = try await app.pool.query("SELECT status, customer_number, idempotency_key FROM messages")
        #expect(rows.count == 1)
        #expect(try rows.first?.decode("idempotency_key", as: String.self) == "supabase:outbound_messages:7")
    }
}
