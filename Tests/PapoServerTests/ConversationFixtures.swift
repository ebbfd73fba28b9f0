import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PapoCore
import PapoPostgres
import PapoServer
import PapoStore
import Testing

/// A tenant created through the admin API, with its id and default (sandbox) session, and
/// helpers that play customers the way a provider webhook would.
struct ConversationTenant: Sendable {
    let created: CreatedTenant
    let id: UUID
    let session: SessionRecord
    let store: ConversationStore

    var headers: HTTPFields { created.headers }

    static func make(
        _ name: String, client: any TestClientProtocol, pool: PostgresPool
    ) async throws
        -> ConversationTenant
    {
        let created = try await client.createTenant(name)
        let id = try await pool.query("SELECT id FROM tenants WHERE client_id = \(created.clientID)").first!.decode(
            "id", as: UUID.self)
        let session = try #require(try await SessionStore(pool: pool).resolve(tenantID: id, name: nil))
        return ConversationTenant(created: created, id: id, session: session, store: ConversationStore(pool: pool))
    }

    /// A customer's text, due for a turn after `debounce` (at once by default).
    @discardableResult
    func inbound(
        _ text: String, from customer: String = "5511988887777", name: String? = "Ana", debounce: Duration = .zero
    ) async throws -> ConversationStore.InboundOutcome {
        try await store.recordInbound(
            .init(
                tenantID: id, sessionID: session.id, provider: .sandbox,
                providerMessageID: "sandbox.\(UUID().uuidString.lowercased())", customerNumber: customer, kind: .text,
                content: ["body": .string(text)], replyTo: nil, receivedAt: Date()),
            customerName: name, debounce: debounce)
    }
}

extension TestClientProtocol {
    /// A JSON request with the tenant's credentials.
    func call(
        _ method: HTTPRequest.Method, _ uri: String, as tenant: ConversationTenant, body: [String: Any]? = nil
    ) async throws -> TestResponse {
        try await execute(uri: uri, method: method, headers: tenant.headers, body: body.map(ByteBuffer.json))
    }
}

extension TestResponse {
    /// The field names of a validation error.
    func errorFields() throws -> [String] {
        let error = try #require(try json()["error"] as? [String: Any])
        return (error["fields"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
    }
}
