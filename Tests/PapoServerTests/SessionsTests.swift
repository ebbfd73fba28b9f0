import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PapoCore
import PapoPostgres
import PapoServer
import PapoStore
import PapoTestKit
import Synchronization
import Testing

@Suite("Sessions: initialise, status, disconnect")
struct SessionsTests {
    @Test("Baileys: initialise returns a QR code; the gateway's qrcode.updated and connection.update open connect it")
    func qrFlow() async throws {
        try await SessionHarness.with { harness in
            try await harness.live { client in
                let tenant = try await client.createTenant("QR Co")
                let (status, body) = try await client.initialize(harness.baileysBody(), as: tenant)
                #expect(status == .ok, "\(body)")
                let session = try #require(body["session"] as? [String: Any])
                let id = try #require(session["id"] as? String)
                #expect(session["status"] as? String == "qr")
                #expect(session["default"] as? Bool == true)
                let qr = try #require(session["qr"] as? [String: Any])
                #expect((qr["code"] as? String)?.hasPrefix("2@") == true)
                let png = try #require(qr["png_base64"] as? String)
                #expect(Data(base64Encoded: png)?.starts(with: [0x89, 0x50, 0x4E, 0x47]) == true)
                #expect((qr["data_url"] as? String)?.hasPrefix("data:image/png;base64,") == true)

                // The gateway was told to call back here, with a per-session secret it must present.
                let instanceName = SessionConnector.instanceName(for: UUID(uuidString: id)!)
                let instance = try #require(harness.gateway.instance(named: instanceName))
                let publicURL = try #require(harness.publicURL.withLock { $0 })
                #expect(instance.webhookURL == "\(publicURL)/api/v1/webhooks/baileys/\(id)")
                let secret = try #require(instance.webhookHeaders["X-Papo-Webhook-Secret"])
                let row = try await harness.row(id)
                #expect(
                    try row.decode("webhook_secret_hash", as: Data.self) == Data(SHA256.hash(data: Data(secret.utf8))))
                // The stored key is the instance's own token, not the gateway's global key.
                let sealed = try row.decode("session_data", as: Data.self)
                let credentials = try JSONValue(
                    parsing: String(
                        decoding: try harness.box.open(sealed, keyID: try row.decode("session_key_id")), as: UTF8.self))
                #expect(credentials["api_key"]?.stringValue == instance.token)
                #expect(credentials["instance"]?.stringValue == instanceName)

                #expect(try await harness.gateway.emitQRCode(instance: instanceName) == 200)
                let refreshed = try await client.sessionStatus("id=\(id)", as: tenant)
                let newCode = try #require((refreshed["qr"] as? [String: Any])?["code"] as? String)
                #expect(newCode != qr["code"] as? String)

                #expect(try await harness.gateway.emitConnection("open", instance: instanceName) == 200)
                let connected = try await client.sessionStatus("name=web", as: tenant)
                #expect(connected["status"] as? String == "connected")
                #expect(connected["phone_number"] as? String == "5511900000000")
                #expect(connected["display_name"] as? String == "Acme")
                #expect(connected["qr"] == nil)
                #expect(connected["last_seen_at"] is String)
                for forbidden in ["session_data", "access_token", "api_key", "credentials", "webhook_secret"] {
                    #expect(connected[forbidden] == nil)
                }

                let events = try await harness.eventTypes(id)
                #expect(events.filter { $0 == "session.qr" }.count == 2)
                #expect(events.contains("session.status"))
                let last = try #require(
                    try await harness.app.pool.query(
                        """
                        SELECT payload FROM events WHERE type = 'session.status' AND payload->>'session_id' = \(id)
                        ORDER BY id DESC LIMIT 1
                        """
                    ).first)
                let payload = try last.decodeJSON("payload", as: JSONValue.self)
                #expect(payload["status"]?.stringValue == "connected")
                #expect(payload["previous_status"]?.stringValue == "qr")
            }
        }
    }

    @Test("Baileys with a phone number: a pairing code instead of scanning")
    func pairingCode() async throws {
        try await SessionHarness.with { harness in
            try await harness.live { client in
                let tenant = try await client.createTenant("Pairing Co")
                let (status, body) = try await client.initialize(
                    harness.baileysBody(name: "phone", phoneNumber: "+55 11 98888-7777"), as: tenant)
                #expect(status == .ok, "\(body)")
                let session = try #require(body["session"] as? [String: Any])
                #expect(session["status"] as? String == "qr")
                #expect((session["qr"] as? [String: Any])?["pairing_code"] as? String == "WZYEH1YY")
                let asked = harness.gateway.requests.filter { $0.path.hasPrefix("/instance/connect/") }
                #expect(asked.last?.query["number"] == "5511988887777")
                let again = try await client.sessionStatus("name=phone", as: tenant)
                #expect((again["qr"] as? [String: Any])?["pairing_code"] as? String == "WZYEH1YY")
            }
        }
    }

    @Test("Meta: good credentials connect with the number's details; a bad token is a 422 and nothing connects")
    func metaCredentials() async throws {
        try await SessionHarness.with { harness in
            try await harness.live { client in
                let tenant = try await client.createTenant("Meta Co")
                let (badStatus, bad) = try await client.initialize(
                    harness.metaBody(token: "revoked-token"), as: tenant)
                #expect(badStatus == .unprocessableContent)
                let error = try #require(bad["error"] as? [String: Any])
                #expect(error["code"] as? String == "credentials_rejected")
                #expect((error["message"] as? String)?.contains("190") == true)
                #expect((error["message"] as? String)?.contains("revoked-token") == false)
                #expect(
                    try await harness.app.pool.query("SELECT id FROM whatsapp_sessions WHERE name = 'official'")
                        .isEmpty)

                let (status, body) = try await client.initialize(harness.metaBody(), as: tenant)
                #expect(status == .ok, "\(body)")
                let session = try #require(body["session"] as? [String: Any])
                #expect(session["status"] as? String == "connected")
                #expect(session["phone_number"] as? String == "15550783881")
                #expect(session["display_name"] as? String == "Papo Test Business")
                let check = try #require(harness.graph.requests.last)
                #expect(check.method == "GET" && check.path == "/v25.0/\(harness.graph.phoneNumberID)")
                #expect(
                    !String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self)
                        .contains(harness.graph.accessToken))

                // Another tenant cannot claim the same number.
                let other = try await client.createTenant("Copycat")
                let (conflict, _) = try await client.initialize(harness.metaBody(), as: other)
                #expect(conflict == .conflict)
            }
        }
    }

    @Test("without global Meta secrets, webhooks are checked with the app secret and verify token of the session")
    func metaWebhookWithSessionSecrets() async throws {
        try await SessionHarness.with { harness in
            try await harness.live { client in
                let tenant = try await client.createTenant("Own Secrets Co")
                let (status, _) = try await client.initialize(harness.metaBody(), as: tenant)
                #expect(status == .ok)
                let handshake = "/api/v1/webhooks/meta?hub.mode=subscribe&hub.challenge=8812"
                let good = try await client.execute(uri: handshake + "&hub.verify_token=verify-official", method: .get)
                #expect(good.status == .ok && String(buffer: good.body) == "8812")
                let bad = try await client.execute(uri: handshake + "&hub.verify_token=guess", method: .get)
                #expect(bad.status == .forbidden)

                let url = URL(string: "\(try #require(harness.publicURL.withLock { $0 }))/api/v1/webhooks/meta")!
                let forged = try await harness.graph.emitText(
                    "forged", from: "5511977776666", to: url, appSecret: "guess")
                let genuine = try await harness.graph.emitText(
                    "genuine", from: "5511977776666", to: url, appSecret: "meta-app-secret-official")
                let stored = try await harness.app.pool.query(
                    "SELECT provider_message_id FROM messages WHERE direction = 'inbound'"
                ).map { try $0.decode("provider_message_id", as: String.self) }
                #expect(stored == [genuine])
                #expect(!stored.contains(forged))
            }
        }
    }

    @Test("validation names the fields; re-initialising a name keeps the session, another provider is refused")
    func validationAndReinitialise() async throws {
        try await SessionHarness.with { harness in
            try await harness.live { client in
                let tenant = try await client.createTenant("Strict Co")
                let response = try await client.execute(
                    uri: "/api/v1/sessions/initialize", method: .post, headers: tenant.headers,
                    body: .json(["provider": "meta", "name": "bad name!", "phone_number_id": "abc", "extra": 1]))
                #expect(response.status == .unprocessableContent)
                let fields = try #require(
                    (try response.json()["error"] as? [String: Any])?["fields"] as? [[String: Any]])
                let named = Set(fields.compactMap { $0["field"] as? String })
                #expect(
                    named.isSuperset(of: [
                        "name", "phone_number_id", "access_token", "app_secret", "verify_token", "extra",
                    ]))
                let (unknown, _) = try await client.initialize(["provider": "telegram", "name": "x"], as: tenant)
                #expect(unknown == .unprocessableContent)
                let (badURL, _) = try await client.initialize(
                    ["provider": "baileys", "name": "x", "gateway_url": "ftp://gw", "api_key": "k"], as: tenant)
                #expect(badURL == .unprocessableContent)

                let (_, first) = try await client.initialize(["provider": "sandbox", "name": "demo"], as: tenant)
                let (_, second) = try await client.initialize(["provider": "sandbox", "name": "demo"], as: tenant)
                let firstID = (first["session"] as? [String: Any])?["id"] as? String
                #expect(firstID != nil && firstID == (second["session"] as? [String: Any])?["id"] as? String)
                let (mismatch, body) = try await client.initialize(harness.baileysBody(name: "demo"), as: tenant)
                #expect(mismatch == .conflict)
                #expect((body["error"] as? [String: Any])?["code"] as? String == "session_provider_mismatch")
            }
        }
    }

    @Test("several sessions per tenant; sends name one or fall back to the default")
    func severalSessions() async throws {
        try await SessionHarness.with { harness in
            try await harness.live { client in
                let tenant = try await client.createTenant("Many Co")
                let (_, official) = try await client.initialize(harness.metaBody(), as: tenant)
                let (_, demo) = try await client.initialize(["provider": "sandbox", "name": "demo"], as: tenant)
                let officialID = try #require((official["session"] as? [String: Any])?["id"] as? String)
                let demoID = try #require((demo["session"] as? [String: Any])?["id"] as? String)
                #expect((official["session"] as? [String: Any])?["default"] as? Bool == true)
                #expect((demo["session"] as? [String: Any])?["default"] as? Bool == false)

                let list = try await client.execute(
                    uri: "/api/v1/sessions/status", method: .get, headers: tenant.headers)
                let sessions = try #require(try list.json()["sessions"] as? [[String: Any]])
                #expect(Set(sessions.compactMap { $0["name"] as? String }) == ["official", "demo"])

                for (session, text) in [(nil, "via default"), ("demo", "via demo")] as [(String?, String)] {
                    var body: [String: Any] = ["to": "5511999998888", "text": text]
                    if let session { body["session"] = session }
                    let sent = try await client.execute(
                        uri: "/api/v1/messages/text", method: .post, headers: tenant.headers, body: .json(body))
                    #expect(sent.status == .accepted)
                }
                let rows = try await harness.app.pool.query(
                    "SELECT session_id, content->>'text' AS body FROM messages WHERE direction = 'outbound' ORDER BY seq"
                )
                let routed = try rows.map {
                    "\(try $0.decode("body", as: String.self))@\(try $0.decode("session_id", as: UUID.self).uuidString.lowercased())"
                }
                #expect(routed == ["via default@\(officialID)", "via demo@\(demoID)"])
            }
        }
    }
}
