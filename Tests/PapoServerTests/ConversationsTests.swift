import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import PapoCore
import PapoPostgres
import PapoServer
import PapoStore
import PapoTestKit
import Testing

@Suite("Conversations API")
struct ConversationsTests {
    let app: TestApp

    init() throws {
        app = try TestApp()
    }

    func ids(_ response: TestResponse) throws -> [String] {
        (try response.json()["conversations"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
    }

    @Test("the inbox lists newest activity first, filters by state, agent and customer, and pages by cursor")
    func inbox() async throws {
        try await app.run { client in
            let tenant = try await ConversationTenant.make("Inbox", client: client, pool: app.pool)
            let other = try await ConversationTenant.make("Outra", client: client, pool: app.pool)
            var ids: [String] = []
            for (number, text) in [
                ("5511900000001", "primeira"), ("5511900000002", "segunda"), ("5511900000003", "terceira"),
            ] {
                let outcome = try await tenant.inbound(text, from: number)
                ids.append(try #require(outcome.conversationID).uuidString.lowercased())
            }
            let agent = try await tenant.store.createAgent(tenantID: tenant.id, name: "Suporte", templateID: "support")
            try await tenant.store.assignAgent(agent.id, conversationID: UUID(uuidString: ids[2])!, tenantID: tenant.id)
            let takeover = try await client.call(.post, "/api/v1/conversations/\(ids[1])/takeover", as: tenant)
            #expect(takeover.status == .ok)

            let all = try await client.call(.get, "/api/v1/conversations", as: tenant)
            #expect(all.status == .ok)
            // The takeover changed no activity: the order is that of the customers' messages.
            #expect(try self.ids(all) == [ids[2], ids[1], ids[0]])
            let first = try #require((try all.json()["conversations"] as? [[String: Any]])?.last)
            #expect(first["customer_number"] as? String == "5511900000001")
            #expect(first["customer_name"] as? String == "Ana")
            #expect(first["state"] as? String == "bot")
            #expect(first["session_id"] as? String == tenant.session.id.uuidString.lowercased())
            #expect(first["pending_turn_at"] is String)
            #expect(first["agent_id"] is NSNull)
            #expect(first["created_at"] is String)
            let preview = try #require(first["last_message"] as? [String: Any])
            #expect(preview["text"] as? String == "primeira")
            #expect(preview["author"] as? String == "customer")

            let page1 = try await client.call(.get, "/api/v1/conversations?limit=2", as: tenant)
            #expect(try self.ids(page1) == [ids[2], ids[1]])
            let cursor = try #require(try page1.json()["next_cursor"] as? String)
            let page2 = try await client.call(.get, "/api/v1/conversations?limit=2&cursor=\(cursor)", as: tenant)
            #expect(try self.ids(page2) == [ids[0]])
            #expect(try page2.json()["next_cursor"] is NSNull)

            let human = try await client.call(.get, "/api/v1/conversations?state=human", as: tenant)
            #expect(try self.ids(human) == [ids[1]])
            let open = try await client.call(.get, "/api/v1/conversations?state=bot,human", as: tenant)
            #expect(try self.ids(open).count == 3)
            let byAgent = try await client.call(
                .get, "/api/v1/conversations?agent_id=\(agent.id.uuidString)", as: tenant)
            #expect(try self.ids(byAgent) == [ids[2]])
            let byCustomer = try await client.call(
                .get, "/api/v1/conversations?customer=%2B55%2011%2090000-0001", as: tenant)
            #expect(try self.ids(byCustomer) == [ids[0]])
            let old = try await client.call(.get, "/api/v1/conversations?before=2001-01-01T00:00:00Z", as: tenant)
            #expect(try self.ids(old).isEmpty)

            // Bad filters name the parameter.
            for (query, field) in [
                ("state=waiting", "state"), ("agent_id=nope", "agent_id"), ("limit=0", "limit"),
                ("cursor=abc", "cursor"), ("before=yesterday", "before"), ("customer=abc", "customer"),
            ] {
                let bad = try await client.call(.get, "/api/v1/conversations?\(query)", as: tenant)
                #expect(bad.status == .unprocessableContent, "\(query)")
                #expect(try bad.errorFields() == [field], "\(query)")
            }

            // Another tenant sees none of them.
            let foreign = try await client.call(.get, "/api/v1/conversations", as: other)
            #expect(try self.ids(foreign).isEmpty)
        }
    }

    @Test("the transcript shows messages in order with tool exchanges after the message they answered")
    func transcript() async throws {
        try await app.run { client in
            let tenant = try await ConversationTenant.make("Transcrição", client: client, pool: app.pool)
            let outcome = try await tenant.inbound("quero um apartamento no centro")
            let conversationID = try #require(outcome.conversationID)
            let askSeq = try await app.pool.query(
                "SELECT seq FROM messages WHERE id = \(try #require(outcome.messageID))"
            ).first!.decode("seq", as: Int64.self)
            try await app.pool.query(
                """
                INSERT INTO messages (tenant_id, session_id, conversation_id, direction, provider, customer_number, type,
                                      content, status, author, sent_at)
                VALUES (\(tenant.id), \(tenant.session.id), \(conversationID), 'outbound', 'sandbox', '5511988887777',
                        'text', '{"endpoint": "text", "text": "Encontrei dois imóveis."}', 'sent', 'bot', now())
                """)
            try await tenant.inbound("obrigado")
            for (round, name, arguments, result, isError) in [
                (1, "search_properties", #"{"city":"centro"}"#, #"{"results":2}"#, false),
                (2, "schedule_visit", #"{"id":7"#, "arguments are not valid JSON", true),
            ] {
                try await app.pool.query(
                    """
                    INSERT INTO ai_tool_calls (tenant_id, conversation_id, after_seq, round, call_id, name, arguments,
                                               result, is_error)
                    VALUES (\(tenant.id), \(conversationID), \(askSeq), \(round), \("call_\(round)"), \(name),
                            \(arguments), \(result), \(isError))
                    """)
            }
            try await app.pool.query(
                "UPDATE ai_conversations SET summary = 'Cliente procura apartamento.' WHERE id = \(conversationID)")

            let response = try await client.call(.get, "/api/v1/conversations/\(conversationID)", as: tenant)
            #expect(response.status == .ok)
            let body = try response.json()
            let conversation = try #require(body["conversation"] as? [String: Any])
            #expect(conversation["summary"] as? String == "Cliente procura apartamento.")
            #expect(conversation["state"] as? String == "bot")
            let entries = try #require(body["transcript"] as? [[String: Any]])
            let shape = entries.map { entry in
                entry["kind"] as? String == "tool_call"
                    ? "tool:\(entry["name"] as? String ?? "")"
                    : "\(entry["author"] as? String ?? ""):\(entry["text"] as? String ?? "")"
            }
            #expect(
                shape == [
                    "customer:quero um apartamento no centro", "tool:search_properties", "tool:schedule_visit",
                    "bot:Encontrei dois imóveis.", "customer:obrigado",
                ])
            #expect(entries[1]["arguments"] as? String == #"{"city":"centro"}"#)
            #expect(entries[1]["result"] as? String == #"{"results":2}"#)
            #expect(entries[1]["is_error"] as? Bool == false)
            #expect(entries[2]["is_error"] as? Bool == true)
            #expect(entries[2]["after_seq"] as? Int == Int(askSeq))
            #expect(entries[3]["status"] as? String == "sent")
            #expect(entries[3]["direction"] as? String == "outbound")
            #expect((entries[3]["content"] as? [String: Any])?["endpoint"] == nil)
            #expect(entries[0]["status"] as? String == "received")
            #expect(body["has_earlier"] as? Bool == false)

            // A window of the newest message leaves the older turn's tool calls out with it.
            let newest = try await client.call(.get, "/api/v1/conversations/\(conversationID)?limit=1", as: tenant)
            let newestEntries = try #require(try newest.json()["transcript"] as? [[String: Any]])
            #expect(newestEntries.compactMap { $0["text"] as? String } == ["obrigado"])
            #expect(try newest.json()["has_earlier"] as? Bool == true)

            let missing = try await client.call(.get, "/api/v1/conversations/\(UUID())", as: tenant)
            #expect(missing.status == .notFound)
            #expect(try missing.errorCode() == "not_found")
            let malformed = try await client.call(.get, "/api/v1/conversations/not-an-id", as: tenant)
            #expect(malformed.status == .badRequest)
            let other = try await ConversationTenant.make("Curiosa", client: client, pool: app.pool)
            let foreign = try await client.call(.get, "/api/v1/conversations/\(conversationID)", as: other)
            #expect(foreign.status == .notFound)
        }
    }

    @Test("takeover drops the due turn, release and close move the state, each with its event and audit entry")
    func controls() async throws {
        try await app.run { client in
            let tenant = try await ConversationTenant.make("Controles", client: client, pool: app.pool)
            let first = try await tenant.inbound("oi")
            let id = try #require(first.conversationID)
            let base = "/api/v1/conversations/\(id)"

            let takeover = try await client.call(.post, "\(base)/takeover", as: tenant)
            #expect(takeover.status == .ok)
            #expect(try takeover.json()["state"] as? String == "human")
            #expect(try takeover.json()["pending_turn_at"] is NSNull)
            #expect(try await tenant.store.claimDue(limit: 10, worker: "w", lease: .seconds(30)).isEmpty)
            let again = try await client.call(.post, "\(base)/takeover", as: tenant)
            #expect(again.status == .conflict)
            #expect(try again.errorCode() == "invalid_transition")

            // What the customer says to the human is not answered by the bot after release…
            try await tenant.inbound("tem alguém aí?")
            let release = try await client.call(.post, "\(base)/release", as: tenant)
            #expect(release.status == .ok)
            #expect(try release.json()["state"] as? String == "bot")
            #expect(try await tenant.store.claimDue(limit: 10, worker: "w", lease: .seconds(30)).isEmpty)
            let released = try #require(try await tenant.store.conversation(id: id, tenantID: tenant.id))
            #expect(try await tenant.store.unansweredMessages(released).isEmpty)

            // …unless the operator asks for it.
            _ = try await client.call(.post, "\(base)/takeover", as: tenant)
            try await tenant.inbound("e o preço?")
            let badBody = try await client.call(.post, "\(base)/release", as: tenant, body: ["answer_pending": "sim"])
            #expect(badBody.status == .unprocessableContent)
            #expect(try badBody.errorFields() == ["answer_pending"])
            let answering = try await client.call(.post, "\(base)/release", as: tenant, body: ["answer_pending": true])
            #expect(answering.status == .ok)
            #expect(try answering.json()["pending_turn_at"] is String)
            let claimed = try await tenant.store.claimDue(limit: 10, worker: "w", lease: .seconds(30))
            #expect(claimed.map(\.conversation.id) == [id])

            let close = try await client.call(.post, "\(base)/close", as: tenant)
            #expect(close.status == .ok)
            #expect(try close.json()["state"] as? String == "closed")
            for action in ["close", "release", "takeover"] {
                let refused = try await client.call(.post, "\(base)/\(action)", as: tenant)
                #expect(refused.status == .conflict, "\(action)")
                #expect(try refused.errorCode() == "invalid_transition")
            }

            // The next message opens a fresh conversation.
            let fresh = try await tenant.inbound("voltei")
            #expect(fresh.conversationID != id)
            #expect(fresh.state == .bot)

            let events = try await app.pool.query(
                "SELECT payload FROM events WHERE tenant_id = \(tenant.id) AND type = 'conversation.updated' ORDER BY id"
            ).map { try $0.decodeJSON("payload", as: JSONValue.self) }
            #expect(events.map { $0["state"]?.stringValue ?? "" } == ["human", "bot", "human", "bot", "closed"])
            #expect(events.map { $0["previous_state"]?.stringValue ?? "" } == ["bot", "human", "bot", "human", "bot"])
            #expect(events.allSatisfy { $0["conversation_id"]?.stringValue == id.uuidString.lowercased() })
            #expect(events.allSatisfy { $0["actor"]?.stringValue == "api_key:\(tenant.created.keyID)" })
            let audit = try await app.pool.query(
                "SELECT action, target FROM audit_log WHERE tenant_id = \(tenant.id) AND action LIKE 'conversation.%' ORDER BY id"
            ).map { try $0.decode("action", as: String.self) }
            #expect(
                audit == [
                    "conversation.takeover", "conversation.release", "conversation.takeover", "conversation.release",
                    "conversation.close",
                ])

            // Unknown and other tenants' conversations are 404 for every action.
            let other = try await ConversationTenant.make("Intrusa", client: client, pool: app.pool)
            let open = try #require(fresh.conversationID)
            for action in ["takeover", "release", "close"] {
                let foreign = try await client.call(.post, "/api/v1/conversations/\(open)/\(action)", as: other)
                #expect(foreign.status == .notFound)
                let unknown = try await client.call(.post, "/api/v1/conversations/\(UUID())/\(action)", as: tenant)
                #expect(unknown.status == .notFound)
                #expect(try unknown.errorCode() == "not_found")
            }
            let state = try await tenant.store.conversation(id: open, tenantID: tenant.id)?.state
            #expect(state == .bot)
        }
    }

    @Test("an operator's reply is queued in the outbox as author operator and pauses the bot")
    func operatorReply() async throws {
        try await app.run { client in
            let tenant = try await ConversationTenant.make("Operadora", client: client, pool: app.pool)
            let id = try #require(try await tenant.inbound("preciso de ajuda").conversationID)
            let base = "/api/v1/conversations/\(id)"

            let reply = try await client.call(
                .post, "\(base)/messages", as: tenant, body: ["text": "Oi, aqui é a Bia."])
            #expect(reply.status == .accepted)
            let body = try reply.json()
            let message = try #require(body["message"] as? [String: Any])
            #expect(message["status"] as? String == "queued")
            #expect((body["conversation"] as? [String: Any])?["state"] as? String == "human")
            let messageText = try #require(message["id"] as? String)
            let messageID = try #require(UUID(uuidString: messageText))
            let row = try #require(
                try await app.pool.query(
                    """
                    SELECT author, direction, status, conversation_id, content->>'text' AS text, next_attempt_at
                    FROM messages WHERE tenant_id = \(tenant.id) AND id = \(messageID)
                    """
                ).first)
            #expect(try row.decode("author", as: String.self) == "operator")
            #expect(try row.decode("direction", as: String.self) == "outbound")
            #expect(try row.decode("conversation_id", as: UUID.self) == id)
            #expect(try row.decode("text", as: String.self) == "Oi, aqui é a Bia.")
            #expect(try row.decode("next_attempt_at", as: Date?.self) != nil)
            #expect(try await tenant.store.claimDue(limit: 10, worker: "w", lease: .seconds(30)).isEmpty)
            let conversation = try #require(try await tenant.store.conversation(id: id, tenantID: tenant.id))
            #expect(try await tenant.store.unansweredMessages(conversation).isEmpty)

            // A second reply keeps the human in charge and announces no new change.
            let second = try await client.call(.post, "\(base)/messages", as: tenant, body: ["text": "Já verifico."])
            #expect(second.status == .accepted)
            let events = try await app.pool.query(
                "SELECT payload FROM events WHERE tenant_id = \(tenant.id) AND type = 'conversation.updated'"
            ).map { try $0.decodeJSON("payload", as: JSONValue.self) }
            #expect(events.count == 1)
            #expect(events.first?["action"]?.stringValue == "takeover")
            let queued = try await app.pool.query(
                "SELECT count(*)::int8 AS n FROM messages WHERE tenant_id = \(tenant.id) AND author = 'operator' AND status = 'queued'"
            ).first!.decode("n", as: Int64.self)
            #expect(queued == 2)

            for (payload, field) in [
                (["text": "   "], "text"), ([:], "text"), (["text": 5], "text"), (["text": "oi", "to": "x"], "to"),
            ] as [([String: Any], String)] {
                let bad = try await client.call(.post, "\(base)/messages", as: tenant, body: payload)
                #expect(bad.status == .unprocessableContent)
                #expect(try bad.errorFields() == [field])
            }
            let other = try await ConversationTenant.make("Vizinha", client: client, pool: app.pool)
            let foreign = try await client.call(.post, "\(base)/messages", as: other, body: ["text": "olá"])
            #expect(foreign.status == .notFound)

            _ = try await client.call(.post, "\(base)/close", as: tenant)
            let closed = try await client.call(.post, "\(base)/messages", as: tenant, body: ["text": "ainda aí?"])
            #expect(closed.status == .conflict)
            #expect(try closed.errorCode() == "conversation_closed")
        }
    }

    @Test("agents are deactivated and activated again, only by their tenant")
    func agentActivation() async throws {
        try await app.run { client in
            let tenant = try await ConversationTenant.make("Agentes", client: client, pool: app.pool)
            let agent = try await tenant.store.createAgent(tenantID: tenant.id, name: "Suporte", templateID: "support")
            let off = try await client.call(.post, "/api/v1/agents/\(agent.id)/deactivate", as: tenant)
            #expect(off.status == .ok)
            #expect(try off.json()["active"] as? Bool == false)
            #expect(try await tenant.store.activeAgents(tenantID: tenant.id).isEmpty)
            let on = try await client.call(.post, "/api/v1/agents/\(agent.id)/activate", as: tenant)
            #expect(try on.json()["active"] as? Bool == true)
            #expect(try await tenant.store.activeAgents(tenantID: tenant.id).map(\.id) == [agent.id])

            let other = try await ConversationTenant.make("Estranha", client: client, pool: app.pool)
            let foreign = try await client.call(.post, "/api/v1/agents/\(agent.id)/deactivate", as: other)
            #expect(foreign.status == .notFound)
            let unknown = try await client.call(.post, "/api/v1/agents/\(UUID())/activate", as: tenant)
            #expect(unknown.status == .notFound)
        }
    }
}
