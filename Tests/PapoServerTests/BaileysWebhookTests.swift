import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PapoPostgres
import PapoServer
import Testing

@Suite("Baileys gateway webhook")
struct BaileysWebhookTests {
    let app: TestApp

    init() throws {
        app = try TestApp()
    }

    static func envelope(_ event: String, _ data: String) -> ByteBuffer {
        ByteBuffer(
            string: #"{"event":"\#(event)","instance":"acme-1","data":\#(data),"destination":"https://x","#
                + #""date_time":"2025-10-21T11:40:39.000Z","sender":"5511900000000@s.whatsapp.net","#
                + #""server_url":"http://localhost:8080","apikey":"INSTANCE-TOKEN"}"#)
    }

    @Test("the per-session secret is required; messages are stored once, operator messages recorded, state applied")
    func ingest() async throws {
        let tenant = try await app.run { client in try await client.createTenant("Baileys Co") }
        let secret = "session-secret-\(UUID().uuidString)"
        let hash = Data(SHA256.hash(data: Data(secret.utf8)))
        let sessionID = try await app.pool.query(
            """
            INSERT INTO whatsapp_sessions (tenant_id, name, provider, status, external_id, webhook_secret_hash)
            SELECT id, 'whatsapp-web', 'baileys', 'qr', 'acme-1', \(hash) FROM tenants WHERE client_id = \(tenant.clientID)
            RETURNING id
            """
        ).first!.decode("id", as: UUID.self)
        let uri = "/api/v1/webhooks/baileys/\(sessionID.uuidString.lowercased())"
        let upsert = Self.envelope(
            "messages.upsert",
            #"""
            {"key":{"remoteJid":"5511999998888@s.whatsapp.net","fromMe":false,"id":"3A5F1B2C"},"pushName":"Ana",
             "message":{"conversation":"oi, quero alugar"},"messageType":"conversation","messageTimestamp":1717604327}
            """#)
        let operatorReply = Self.envelope(
            "messages.upsert",
            #"""
            {"key":{"remoteJid":"5511999998888@s.whatsapp.net","fromMe":true,"id":"3AOP"},"pushName":"Acme",
             "message":{"extendedTextMessage":{"text":"Deixa comigo, Ana"}},"messageType":"extendedTextMessage",
             "messageTimestamp":"1717604400"}
            """#)
        let connected = Self.envelope(
            "connection.update",
            #"{"instance":"acme-1","wuid":"5511900000000@s.whatsapp.net","profileName":"Acme","state":"open","statusReason":200}"#
        )
        let headers: HTTPFields = [.contentType: "application/json", HTTPField.Name("X-Papo-Webhook-Secret")!: secret]
        try await app.run { client in
            let forged = try await client.execute(
                uri: uri, method: .post,
                headers: [.contentType: "application/json", HTTPField.Name("X-Papo-Webhook-Secret")!: "guess"],
                body: upsert)
            #expect(forged.status == .unauthorized)
            for _ in 0..<5 {
                #expect(try await client.execute(uri: uri, method: .post, headers: headers, body: upsert).status == .ok)
            }
            #expect(
                try await client.execute(uri: uri, method: .post, headers: headers, body: operatorReply).status == .ok)
            #expect(try await client.execute(uri: uri, method: .post, headers: headers, body: connected).status == .ok)
            let garbage = try await client.execute(
                uri: uri, method: .post, headers: headers, body: ByteBuffer(string: "{not json"))
            #expect(garbage.status == .badRequest)
        }
        let rows = try await app.pool.query(
            "SELECT direction, author, provider_message_id FROM messages WHERE session_id = \(sessionID) ORDER BY seq")
        #expect(
            try rows.map {
                "\(try $0.decode("direction", as: String.self))/\(try $0.decode("author", as: String.self))/\(try $0.decode("provider_message_id", as: String.self))"
            } == ["inbound/customer/3A5F1B2C", "outbound/operator/3AOP"])
        let session = try #require(
            try await app.pool.query("SELECT status, phone_number FROM whatsapp_sessions WHERE id = \(sessionID)").first
        )
        #expect(try session.decode("status", as: String.self) == "connected")
        #expect(try session.decode("phone_number", as: String.self) == "5511900000000")
    }
}
