import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import PapoPostgres
import PapoServer
import Testing

@Suite("Errors, request ids and health")
struct EdgeTests {
    let app: TestApp

    init() throws {
        app = try TestApp()
    }

    @Test("unknown routes, wrong methods, bad JSON and oversized bodies all get the JSON envelope")
    func envelopes() async throws {
        try await app.run { client in
            let unknown = try await client.execute(uri: "/api/v1/nothing-here", method: .get)
            #expect(unknown.status == .notFound)
            #expect(try unknown.errorCode() == "not_found")
            #expect(unknown.headers[.contentType]?.hasPrefix("application/json") == true)

            let wrongMethod = try await client.execute(uri: "/health/ready", method: .delete)
            #expect(wrongMethod.status == .methodNotAllowed)
            #expect(try wrongMethod.errorCode() == "method_not_allowed")
            #expect(wrongMethod.headers[.allow] == "GET")

            let tenant = try await client.createTenant("Edge Cases")
            let malformed = try await client.execute(
                uri: "/api/v1/tenant/settings", method: .put, headers: tenant.headers,
                body: ByteBuffer(string: "{\"name\": \"unterminated"))
            #expect(malformed.status == .badRequest)
            #expect(try malformed.errorCode() == "invalid_json")

            let array = try await client.execute(
                uri: "/api/v1/tenant/settings", method: .put, headers: tenant.headers, body: ByteBuffer(string: "[1,2]")
            )
            #expect(array.status == .badRequest)

            let huge = String(repeating: "x", count: 2 << 20)
            let oversized = try await client.execute(
                uri: "/api/v1/tenant/settings", method: .put, headers: tenant.headers,
                body: ByteBuffer(string: "{\"name\": \"\(huge)\"}"))
            #expect(oversized.status == .contentTooLarge)
            #expect(try oversized.errorCode() == "payload_too_large")
        }
    }

    @Test("every response carries a request id; a sane client id is echoed")
    func requestIDs() async throws {
        try await app.run { client in
            let generated = try await client.execute(uri: "/health/live", method: .get)
            #expect(generated.headers[.requestID]?.count == 36)
            let echoed = try await client.execute(uri: "/nope", method: .get, headers: [.requestID: "trace-42.a_b"])
            #expect(echoed.headers[.requestID] == "trace-42.a_b")
            let error = try #require(try echoed.json()["error"] as? [String: Any])
            #expect(error["request_id"] as? String == "trace-42.a_b")
            let hostile = try await client.execute(
                uri: "/health/live", method: .get, headers: [.requestID: "a b\u{7f}<script>"])
            #expect(hostile.headers[.requestID] != "a b\u{7f}<script>")
        }
    }

    @Test("ready answers 200 on a migrated database and 503 while migrations are pending")
    func readiness() async throws {
        try await app.run { client in
            let ready = try await client.execute(uri: "/health/ready", method: .get)
            #expect(ready.status == .ok)
            let summary = try await client.execute(uri: "/health", method: .get)
            let body = try summary.json()
            #expect(body["status"] as? String == "ok")
            #expect((body["database"] as? [String: Any])?["ok"] as? Bool == true)
        }
        let pending = try TestApp(migrated: false)
        try await pending.run { client in
            let notReady = try await client.execute(uri: "/health/ready", method: .get)
            #expect(notReady.status == .serviceUnavailable)
            #expect(try notReady.errorCode() == "not_ready")
            #expect(try await client.execute(uri: "/health/live", method: .get).status == .ok)
        }
        try await pending.migrator.migrate()
        let status = try await pending.run { client in
            try await client.execute(uri: "/health/ready", method: .get).status
        }
        #expect(status == .ok)
    }
}
