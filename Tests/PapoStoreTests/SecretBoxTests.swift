import Foundation
import PapoPostgres
import PapoStore
import PapoTestKit
import Testing

@Suite("Secrets at rest")
struct SecretBoxTests {
    let first = SecretBox.generateKey()
    let second = SecretBox.generateKey()

    @Test("sealed data opens with its key, fails when altered or when the key is missing")
    func sealAndOpen() throws {
        let box = try SecretBox(configuration: "k1:\(first)")
        let secret = Data(#"{"access_token":"EAAG-very-secret"}"#.utf8)
        let (sealed, keyID) = try box.seal(secret)
        #expect(keyID == "k1")
        #expect(sealed.range(of: Data("very-secret".utf8)) == nil)
        #expect(try box.open(sealed, keyID: keyID) == secret)
        var altered = sealed
        altered[altered.count - 1] ^= 0x01
        #expect(throws: SecretBoxError.self) { try box.open(altered, keyID: keyID) }
        #expect(throws: SecretBoxError.self) { try box.open(sealed, keyID: "k9") }
        // Two seals of the same secret differ (fresh nonce each time).
        #expect(try box.seal(secret).ciphertext != sealed)
    }

    @Test("configuration: a bare key, several keys newest last, and clear errors")
    func configuration() throws {
        #expect(try SecretBox(configuration: first).currentKeyID == "k1")
        #expect(try SecretBox(configuration: "old:\(first), new:\(second)").currentKeyID == "new")
        #expect(throws: SecretBoxError.self) { try SecretBox(configuration: "k1:not-base64!") }
        #expect(throws: SecretBoxError.self) {
            try SecretBox(configuration: "k1:\(Data(count: 16).base64EncodedString())")
        }
        #expect(throws: SecretBoxError.self) { try SecretBox(configuration: "a:\(first),a:\(second)") }
    }

    @Test("rotation re-seals stored session credentials under the newest key; nothing is plaintext")
    func rotation() async throws {
        let pool = try TestDatabase.makePool(maxConnections: 2)
        let (tenant, _) = try await TenantStore(pool: pool).create(name: "Cofre", actor: "test")
        let old = try SecretBox(configuration: "k1:\(first)")
        let credentials = Data(#"{"access_token":"EAAG-plain-token","app_secret":"shh"}"#.utf8)
        let (sealed, keyID) = try old.seal(credentials)
        try await pool.query(
            """
            INSERT INTO whatsapp_sessions (tenant_id, name, provider, status, session_data, session_key_id)
            VALUES (\(tenant.id), 'meta', 'meta', 'connected', \(sealed), \(keyID))
            """)
        let plaintextHits = try await pool.query(
            "SELECT count(*) AS n FROM whatsapp_sessions WHERE position('EAAG-plain-token'::bytea in session_data) > 0")
        #expect(try plaintextHits.first?.decode("n", as: Int.self) == 0)

        let both = try SecretBox(configuration: "k1:\(first),k2:\(second)")
        #expect(try await SecretRotation(pool: pool, box: both).rotate() == 1)
        #expect(try await SecretRotation(pool: pool, box: both).rotate() == 0)
        let row = try #require(try await pool.query("SELECT session_data, session_key_id FROM whatsapp_sessions").first)
        #expect(try row.decode("session_key_id", as: String.self) == "k2")
        // After rotation the old key can be dropped.
        let newOnly = try SecretBox(configuration: "k2:\(second)")
        #expect(try newOnly.open(try row.decode("session_data", as: Data.self), keyID: "k2") == credentials)
    }
}
