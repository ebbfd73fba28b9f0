import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PapoPostgres
import PapoServer
import PapoTestKit
import Testing

/// A real router over a fresh migrated database, for HummingbirdTesting's `.router` client.
struct TestApp {
    static let adminKey = "test-admin-key-0123456789abcdef"

    let pool: PostgresPool
    let migrator: Migrator

    init(migrated: Bool = true, adminKey: String? = TestApp.adminKey) throws {
        let configuration = try PostgresConfiguration(connectionString: try TestDatabase.create(migrated: migrated))
        pool = PostgresPool(configuration: configuration, logger: TestDatabase.logger)
        migrator = Migrator(
            pool: pool, migrations: try Migration.load(from: TestDatabase.migrationsDirectory),
            logger: TestDatabase.logger)
        self.adminKey = adminKey
    }

    let adminKey: String?
    /// Uploaded media of this app's tests, in a folder of their own.
    let mediaDirectory = FileManager.default.temporaryDirectory.appendingPathComponent(
        "papo-media-\(UUID().uuidString)")

    func run<Value: Sendable>(_ body: @Sendable (any TestClientProtocol) async throws -> Value) async throws -> Value {
        let router = PapoRouter.make(
            .init(pool: pool, migrator: migrator, adminKey: adminKey, mediaDirectory: mediaDirectory))
        let app = Application(router: router, logger: TestDatabase.logger)
        return try await app.test(.router, body)
    }
}

/// A tenant created through the admin API, with its first key.
struct CreatedTenant: Sendable {
    var clientID: String
    var key: String
    var keyID: String

    var headers: HTTPFields {
        [.clientID: clientID, .authorization: "Bearer \(key)", .contentType: "application/json"]
    }
}

extension TestClientProtocol {
    func createTenant(_ name: String) async throws -> CreatedTenant {
        let response = try await execute(
            uri: "/api/v1/admin/tenants", method: .post, headers: TestApp.adminHeaders, body: .json(["name": name]))
        #expect(response.status == .created)
        let body = try response.json()
        let tenant = try #require(body["tenant"] as? [String: Any])
        let key = try #require(body["api_key"] as? [String: Any])
        return CreatedTenant(
            clientID: try #require(tenant["client_id"] as? String), key: try #require(key["key"] as? String),
            keyID: try #require(key["id"] as? String))
    }
}

extension TestApp {
    static var adminHeaders: HTTPFields {
        [.authorization: "Bearer \(adminKey)", .contentType: "application/json"]
    }
}

extension ByteBuffer {
    static func json(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
    }
}

extension TestResponse {
    func json() throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(body.readableBytesView))
        return try #require(object as? [String: Any])
    }

    /// The error envelope's `code`, failing the test when the body is not an envelope.
    func errorCode() throws -> String {
        let error = try #require(
            try json()["error"] as? [String: Any], "not an error envelope: \(String(buffer: body))")
        #expect(error["message"] is String)
        return try #require(error["code"] as? String)
    }
}
