import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PapoPostgres
import PapoProviders
import PapoServer
import PapoTestKit
import Testing

@Suite("Meta webhook")
struct MetaWebhookTests {
    static let secret = "meta-app-secret-for-tests"
    let app: TestApp

    init() throws {
        app = try TestApp()
    }

    func run(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = PapoRouter.make(
            .init(
                pool: app.pool, migrator: app.migrator, adminKey: TestApp.adminKey,
                metaWebhook: MetaWebhook(verifyToken: "verify-me", appSecret: Self.secret)))
        try await Application(router: router, logger: TestDatabase.logger).test(.router, body)
    }

    static func signed(_ json: String) -> (HTTPFields, ByteBuffer) {
        let mac = HMAC<SHA256>.authenticationCode(for: Data(json.utf8), using: SymmetricKey(data: Data(secret.utf8)))
        let hex = mac.map { String(format: "%02x", $0) }.joined()
        return ([.contentType: "application/json", .hubSignature: "sha256=\(hex)"], ByteBuffer(string: json))
    }

    static func notification(_ value: String) -> String {
        """
        {"object":"whatsapp_business_account","entry":[{"id":"102290129340398","changes":[{"field":"messages","value":\
        {"messaging_product":"whatsapp","metadata":{"display_phone_number":"15550001111","phone_number_id":"PNID-1"},\(value)}}]}]}
        """
    }

    @Test("verification echoes hub.challenge only for the right token")
    func verification() async throws {
        try await run { client in
            let ok = try await client.execute(
                uri: "/api/v1/webhooks/meta?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444",
                method: .get)
            #expect(ok.status == .ok)
            #expect(String(buffer: ok.body) == "1158201444")
            let wrong = try await client.execute(
                uri: "/api/v1/webhooks/meta?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1", method: .get)
            #expect(wrong.status == .forbidden)
        }
    }

    @Test("a signed message is stored once however often it is delivered; a bad signature is refused")
    func inboundDedupe() async throws {
        let tenant = try await app.run { client in try await client.createTenant("Meta Inbound") }
        try await app.pool.query(
            """
            INSERT INTO whatsapp_sessions (tenant_id, name, provider, status, external_id)
            SELECT id, 'meta', 'meta', 'connected', 'PNID-1' FROM tenants WHERE client_id = \(tenant.clientID)
            """)
        let json = Self.notification(
            """
            "contacts":[{"profile":{"name":"Ana"},"wa_id":"5511999998888"}],\
            "messages":[{"from":"5511999998888","id":"wamid.IN-1","timestamp":"1764000000","type":"text","text":{"body":"Oi, tem apartamento?"}}]
            """)
        let (headers, body) = Self.signed(json)
        try await run { client in
            for _ in 0..<3 {
                let response = try await client.execute(
                    uri: "/api/v1/webhooks/meta", method: .post, headers: headers, body: body)
                #expect(response.status == .ok)
            }
            var forged = headers
            forged[.hubSignature] = "sha256=" + String(repeating: "0", count: 64)
            let refused = try await client.execute(
                uri: "/api/v1/webhooks/meta", method: .post, headers: forged, body: body)
            #expect(refused.status == .unauthorized)
            #expect(try refused.errorCode() == "invalid_signature")
        }
        let rows = try await app.pool.query(
            "SELECT customer_number, type, status, content FROM messages WHERE provider_message_id = 'wamid.IN-1'")
        #expect(rows.count == 1)
        #expect(try rows.first?.decode("customer_number", as: String.self) == "5511999998888")
        #expect(try rows.first?.decode("status", as: String.self) == "received")
    }

    @Test("statuses advance an outbound message and never move it backwards")
    func statusesOnlyForward() async throws {
        let tenant = try await app.run { client in try await client.createTenant("Meta Status") }
        try await app.pool.query(
            """
            WITH t AS (SELECT id FROM tenants WHERE client_id = \(tenant.clientID)),
                 s AS (INSERT INTO whatsapp_sessions (tenant_id, name, provider, status, external_id)
                       SELECT id, 'meta', 'meta', 'connected', 'PNID-1' FROM t RETURNING id, tenant_id)
            INSERT INTO messages (tenant_id, session_id, direction, provider, provider_message_id, customer_number, type,
                                  content, status, author, sent_at)
            SELECT tenant_id, id, 'outbound', 'meta', 'wamid.OUT-1', '5511999998888', 'text', '{}', 'sent', 'api', now() FROM s
            """)
        @Sendable func report(_ status: String, at timestamp: Int) -> String {
            Self.notification(
                """
                "statuses":[{"id":"wamid.OUT-1","status":"\(status)","timestamp":"\(timestamp)","recipient_id":"5511999998888"}]
                """)
        }
        try await run { client in
            for (status, time) in [("read", 1_764_000_200), ("delivered", 1_764_000_100)] {
                let (headers, body) = Self.signed(report(status, at: time))
                let response = try await client.execute(
                    uri: "/api/v1/webhooks/meta", method: .post, headers: headers, body: body)
                #expect(response.status == .ok)
            }
        }
        let row = try #require(
            try await app.pool.query("SELECT status, read_at FROM messages WHERE provider_message_id = 'wamid.OUT-1'")
                .first)
        #expect(try row.decode("status", as: String.self) == "read")
        #expect(try row.decode("read_at", as: Date.self).timeIntervalSince1970 == 1_764_000_200)
    }
}
