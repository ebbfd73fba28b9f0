import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PapoCore
import PapoEngine
import PapoPostgres
import PapoServer
import PapoStore
import PapoTestKit
import Testing

@Suite("Agents API")
struct AgentsTests {
    let app: TestApp
    let library: AgentTemplateLibrary

    init() throws {
        app = try TestApp()
        let agents = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("agents")
        library = AgentTemplateLibrary(directory: agents)
        _ = library.reload()
    }

    func run(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let router = PapoRouter.make(
            .init(pool: app.pool, migrator: app.migrator, adminKey: TestApp.adminKey, templates: library))
        try await Application(router: router, logger: TestDatabase.logger).test(.router, body)
    }

    @Test("agents are created from loaded templates, listed, configured, assigned and deleted — per tenant")
    func lifecycle() async throws {
        try await run { client in
            let tenant = try await client.createTenant("Agentes")
            let other = try await client.createTenant("Outro")
            let templates = try await client.execute(
                uri: "/api/v1/agents/templates", method: .get, headers: tenant.headers)
            let ids = (try templates.json()["templates"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            #expect(ids == ["real-estate", "support"])

            let unknown = try await client.execute(
                uri: "/api/v1/agents/create", method: .post, headers: tenant.headers,
                body: .json(["name": "Corretora", "template_id": "real-state"]))
            #expect(unknown.status == .unprocessableContent)

            var created: [String] = []
            for (name, template) in [("Corretora", "real-estate"), ("Suporte", "support")] {
                let response = try await client.execute(
                    uri: "/api/v1/agents/create", method: .post, headers: tenant.headers,
                    body: .json([
                        "name": name, "template_id": template, "default": true,
                        "overrides": ["model": ["temperature": 0.2], "debounce": "5s"],
                    ]))
                #expect(response.status == .created)
                created.append(try #require(try response.json()["id"] as? String))
            }
            // Overrides are checked like a template: unknown keys and bad values name their path.
            let typo = try await client.execute(
                uri: "/api/v1/agents/create", method: .post, headers: tenant.headers,
                body: .json([
                    "name": "Errada", "template_id": "support",
                    "overrides": ["context": ["max_mesages": 5], "model": ["temperature": 7]],
                ]))
            #expect(typo.status == .unprocessableContent)
            let typoFields = ((try typo.json()["error"] as? [String: Any])?["fields"] as? [[String: Any]] ?? [])
                .compactMap { $0["field"] as? String }
            #expect(typoFields.contains("overrides.context.max_mesages"), "\(typoFields)")
            let badConfigure = try await client.execute(
                uri: "/api/v1/agents/\(created[0])/configure", method: .put, headers: tenant.headers,
                body: .json(["overrides": ["context": ["max_messages": 0]]]))
            #expect(badConfigure.status == .unprocessableContent)
            let listed = try await client.execute(uri: "/api/v1/agents/list", method: .get, headers: tenant.headers)
            let agents = try #require(try listed.json()["agents"] as? [[String: Any]])
            #expect(agents.count == 2)
            #expect(
                agents.filter { $0["default"] as? Bool == true }.compactMap { $0["name"] as? String } == ["Suporte"])

            let configured = try await client.execute(
                uri: "/api/v1/agents/\(created[0])/configure", method: .put, headers: tenant.headers,
                body: .json(["default": true, "active": false, "name": "Corretora Sol"]))
            #expect(try configured.json()["default"] as? Bool == true)
            #expect(try configured.json()["active"] as? Bool == false)
            #expect(try configured.json()["name"] as? String == "Corretora Sol")

            // Another tenant can neither see nor change these agents.
            let otherList = try await client.execute(uri: "/api/v1/agents/list", method: .get, headers: other.headers)
            #expect((try otherList.json()["agents"] as? [Any])?.isEmpty == true)
            let foreign = try await client.execute(
                uri: "/api/v1/agents/\(created[0])/configure", method: .put, headers: other.headers,
                body: .json(["name": "Sequestro"]))
            #expect(foreign.status == .notFound)

            let deleted = try await client.execute(
                uri: "/api/v1/agents/\(created[1])", method: .delete, headers: tenant.headers)
            #expect(deleted.status == .noContent)
            let again = try await client.execute(
                uri: "/api/v1/agents/\(created[1])", method: .delete, headers: tenant.headers)
            #expect(again.status == .notFound)
        }
    }

    @Test("a conversation can be assigned to an agent of the same tenant")
    func assignConversation() async throws {
        try await run { client in
            let tenant = try await client.createTenant("Atribuição")
            let agent = try #require(
                try await client.execute(
                    uri: "/api/v1/agents/create", method: .post, headers: tenant.headers,
                    body: .json(["name": "Corretora", "template_id": "real-estate"])
                ).json()["id"] as? String)
            let tenantID = try await app.pool.query("SELECT id FROM tenants WHERE client_id = \(tenant.clientID)")
                .first!.decode("id", as: UUID.self)
            let session = try #require(try await SessionStore(pool: app.pool).resolve(tenantID: tenantID, name: nil))
            try await ConversationStore(pool: app.pool).recordInbound(
                .init(
                    tenantID: tenantID, sessionID: session.id, provider: .sandbox, providerMessageID: "sandbox.in-1",
                    customerNumber: "5511900001111", kind: .text, content: ["body": "oi"], replyTo: nil,
                    receivedAt: Date()),
                debounce: .seconds(3))
            let conversation = try await app.pool.query("SELECT id FROM ai_conversations").first!.decode(
                "id", as: UUID.self)
            let assigned = try await client.execute(
                uri: "/api/v1/agents/\(agent)/assign-conversation", method: .post, headers: tenant.headers,
                body: .json(["conversation_id": conversation.uuidString]))
            #expect(assigned.status == .noContent)
            let row = try await app.pool.query("SELECT agent_id FROM ai_conversations WHERE id = \(conversation)")
                .first!
            #expect(try row.decode("agent_id", as: UUID.self).uuidString.lowercased() == agent)
            let missing = try await client.execute(
                uri: "/api/v1/agents/\(agent)/assign-conversation", method: .post, headers: tenant.headers,
                body: .json(["conversation_id": UUID().uuidString]))
            #expect(missing.status == .notFound)
        }
    }
}
