import Foundation
import Logging
import PapoCore
import PapoEngine
import PapoHTTP
import PapoLLM
import PapoPlugins
import PapoPostgres
import PapoStore
import PapoTestKit
import Testing

@Suite("Turn runner: tools, handoff, offline answers")
struct TurnRunnerTests {
    static let realEstateYAML = """
        id: imoveis
        name: Assistente Sol
        prompt:
          system: Você é {{agent.name}} da {{tenant.name}}. Cliente {{customer.name}}.
        capabilities:
          - tool: search_properties
            config:
              max_results: 3
        handoff:
          keywords: [atendente]
          message: Certo, vou chamar um corretor.
        offline:
          faq:
            - keywords: [horário]
              answer: Atendemos de segunda a sexta, das 9h às 18h.
          fallback: No momento não consigo responder; retorno em breve.
        """

    @Test("a tool call runs the real-estate plugin, the result goes back to the model, and its answer is queued")
    func toolRoundTrip() async throws {
        let harness = try await EngineHarness.make()
        let model = try await FakeModel.start()
        let host = PluginHost(
            configuration: PluginHostConfiguration(files: [EngineHarness.buildDirectory + "/libPapoPluginRealEstate.so"]
            ),
            storage: InMemoryPluginStorage(), logger: TestDatabase.logger)
        defer { host.shutdown() }
        model.server.enqueue(
            .toolCall(
                id: "call_1", name: "search_properties", arguments: #"{"neighbourhood":"tatuape","purpose":"rent"}"#),
            .text("Encontrei o *AP-1032* no Tatuapé.\n\nQuer agendar uma visita?"))
        let template = try EngineHarness.template(Self.realEstateYAML)
        let runner = harness.runner(templates: [template], llm: model.client, plugins: host)
        let outcome = try await harness.inbound("Procuro apartamento para alugar no Tatuapé")
        let report = try await runner.run(try await harness.claimOne())
        await model.stop()

        #expect(report.kind == .answered)
        #expect(model.server.requests.count == 2)
        let first = try model.body(0)
        let toolNames = first["tools"]?.arrayValue?.compactMap { $0["function"]?["name"]?.stringValue }
        #expect(toolNames == ["search_properties", "handoff_to_human"])
        #expect(
            first["messages"]?[0]?["content"]?.stringValue == "Você é Assistente Sol da Imobiliária Sol. Cliente Ana.")
        let second = try model.body(1)
        let messages = try #require(second["messages"]?.arrayValue)
        let toolMessage = try #require(messages.last)
        #expect(toolMessage["role"] == "tool")
        #expect(toolMessage["tool_call_id"] == "call_1")
        let result = try JSONValue(parsing: try #require(toolMessage["content"]?.stringValue))
        #expect(result["results"]?.arrayValue?.compactMap { $0["code"]?.stringValue } == ["AP-1032"])
        #expect(messages[messages.count - 2]["tool_calls"]?[0]?["id"] == "call_1")

        let conversationID = try #require(outcome.conversationID)
        #expect(
            try await harness.botReplies(conversationID) == [
                "Encontrei o *AP-1032* no Tatuapé.", "Quer agendar uma visita?",
            ])
        #expect(try await harness.unansweredCount(conversationID) == 0)
        let queued = try await harness.pool.query(
            """
            SELECT content, status, customer_number, next_attempt_at IS NOT NULL AS due FROM messages
            WHERE conversation_id = \(conversationID) AND author = 'bot' ORDER BY seq LIMIT 1
            """
        ).first!
        #expect(try queued.decode("status", as: String.self) == "queued")
        #expect(try queued.decode("due", as: Bool.self))
        let content: JSONValue = try queued.decodeJSON("content")
        let restored = SendRequest.restore(content: content, recipient: "+5511988887777")
        #expect((try? restored.get())?.content["text"] == "Encontrei o *AP-1032* no Tatuapé.")
        let usage = try await harness.pool.query(
            "SELECT prompt_tokens, completion_tokens, status FROM ai_usage WHERE conversation_id = \(conversationID) ORDER BY prompt_tokens DESC"
        ).map {
            "\(try $0.decode("prompt_tokens", as: Int.self))/\(try $0.decode("completion_tokens", as: Int.self))/\(try $0.decode("status", as: String.self))"
        }
        #expect(usage == ["40/18/ok", "12/5/ok"])
        let conversation = try await harness.conversation(conversationID)
        #expect(conversation.pendingTurnAt == nil)
        #expect(conversation.lockedBy == nil)
    }

    @Test("a handoff keyword moves the conversation to a human; later messages call no model")
    func handoffKeyword() async throws {
        let harness = try await EngineHarness.make()
        let model = try await FakeModel.start()
        let template = try EngineHarness.template(Self.realEstateYAML)
        let runner = harness.runner(templates: [template], llm: model.client)
        let outcome = try await harness.inbound("quero falar com um atendente, por favor")
        let report = try await runner.run(try await harness.claimOne())
        #expect(report.kind == .handedOff)
        let conversationID = try #require(outcome.conversationID)
        #expect(try await harness.conversation(conversationID).state == .human)
        #expect(try await harness.botReplies(conversationID) == ["Certo, vou chamar um corretor."])
        let events = try await harness.pool.query(
            "SELECT type FROM events WHERE tenant_id = \(harness.tenant.id) ORDER BY id"
        ).map { try $0.decode("type", as: String.self) }
        #expect(events == ["message.received", "conversation.handoff"])

        let later = try await harness.inbound("alô? tem alguém aí?")
        #expect(later.conversationID == conversationID)
        #expect(later.state == .human)
        #expect(later.pendingTurnAt == nil)
        #expect(try await harness.store.claimDue(limit: 5, worker: "w", lease: .seconds(30)).isEmpty)
        await model.stop()
        #expect(model.server.requests.isEmpty)
    }

    @Test("with no agent and no default template the messages go to a human, unanswered, not swallowed")
    func noAgentHandsOff() async throws {
        let harness = try await EngineHarness.make()
        let byID: [String: AgentTemplate] = [:]
        let runner = TurnRunner(
            store: harness.store, router: ConversationRouter(templates: { byID[$0] }, defaultTemplateID: nil),
            llm: nil, plugins: nil, logger: TestDatabase.logger)
        let outcome = try await harness.inbound("bom dia, vocês abrem sábado?")
        let conversationID = try #require(outcome.conversationID)
        let before = try await harness.conversation(conversationID).lastMessageAt
        let report = try await runner.run(try await harness.claimOne())
        #expect(report.kind == .handedOff)
        let conversation = try await harness.conversation(conversationID)
        #expect(conversation.state == .human)
        #expect(conversation.pendingTurnAt == nil)
        #expect(conversation.lastMessageAt == before, "no reply was written")
        #expect(try await harness.botReplies(conversationID).isEmpty)
        let unanswered = try await harness.store.unansweredMessages(conversation)
        #expect(unanswered.map(\.text) == ["bom dia, vocês abrem sábado?"])
        let handoff = try await harness.pool.query(
            "SELECT payload FROM events WHERE tenant_id = \(harness.tenant.id) AND type = 'conversation.handoff'"
        ).map { try $0.decodeJSON("payload", as: JSONValue.self) }
        #expect(handoff.map { $0["reason"]?.stringValue } == ["no_agent"])
    }

    @Test("a reply moves the conversation's last message time")
    func replyMovesLastMessageAt() async throws {
        let harness = try await EngineHarness.make()
        let model = try await FakeModel.start()
        model.server.enqueue(.text("Bom dia!"))
        let runner = harness.runner(templates: [try EngineHarness.template(Self.realEstateYAML)], llm: model.client)
        let outcome = try await harness.inbound("bom dia")
        let conversationID = try #require(outcome.conversationID)
        let before = try await harness.conversation(conversationID).lastMessageAt
        try await Task.sleep(for: .milliseconds(20))
        try await runner.run(try await harness.claimOne())
        await model.stop()
        #expect(try await harness.botReplies(conversationID) == ["Bom dia!"])
        let after = try await harness.conversation(conversationID).lastMessageAt
        #expect(after > before)
    }

    @Test("with the model unreachable the FAQ answer, else the fallback, is queued")
    func offlineAnswers() async throws {
        let harness = try await EngineHarness.make()
        let http = HTTPClient()
        let endpoint = LLMEndpoint(baseURL: "http://127.0.0.1:1/v1", apiKey: "sk-test", model: "gpt-4o-mini")
        let client = OpenAICompatibleClient(endpoint: endpoint, httpClient: http, retryPolicy: .never)
        let template = try EngineHarness.template(Self.realEstateYAML)
        let runner = harness.runner(templates: [template], llm: client)

        let faq = try await harness.inbound("Qual o horário de vocês?", from: "5511911110001")
        let faqReport = try await runner.run(try await harness.claimOne())
        let other = try await harness.inbound("Vocês têm cobertura?", from: "5511911110002")
        let otherReport = try await runner.run(try await harness.claimOne())
        await http.shutdown()

        #expect(faqReport.kind == .offline)
        #expect(otherReport.kind == .offline)
        #expect(try await harness.botReplies(faq.conversationID!) == ["Atendemos de segunda a sexta, das 9h às 18h."])
        #expect(
            try await harness.botReplies(other.conversationID!) == [
                "No momento não consigo responder; retorno em breve."
            ])
        let statuses = try await harness.pool.query(
            "SELECT status, model FROM ai_usage WHERE tenant_id = \(harness.tenant.id)"
        ).map { "\(try $0.decode("status", as: String.self)):\(try $0.decode("model", as: String.self))" }
        #expect(statuses == ["error:default", "error:default"])
        #expect(try await harness.unansweredCount(faq.conversationID!) == 0)
    }

    @Test("a message that arrives during a turn is left for the next turn, which sees it")
    func messageDuringTurn() async throws {
        let harness = try await EngineHarness.make()
        let template = try EngineHarness.template(Self.realEstateYAML)
        let client = ScriptedLLMClient(replies: ["Olá! Como posso ajudar?", "Temos sim."]) { call in
            if call == 1 { try await harness.inbound("e vocês têm studio?", debounce: .zero) }
        }
        let runner = harness.runner(templates: [template], llm: client)
        let outcome = try await harness.inbound("oi")
        let conversationID = try #require(outcome.conversationID)
        let first = try await runner.run(try await harness.claimOne())
        #expect(first.leftDue)
        #expect(try await harness.unansweredCount(conversationID) == 1)
        let waiting = try await harness.conversation(conversationID)
        #expect(waiting.pendingTurnAt != nil)
        #expect(waiting.lockedBy == nil)

        let second = try await runner.run(try await harness.claimOne())
        #expect(second.leftDue == false)
        #expect(try await harness.botReplies(conversationID) == ["Olá! Como posso ajudar?", "Temos sim."])
        let lastRequest = try #require(client.requests.last)
        #expect(
            lastRequest.messages.map(\.content) == [
                lastRequest.messages[0].content, "oi", "Olá! Como posso ajudar?", "e vocês têm studio?",
            ])
        #expect(try await harness.conversation(conversationID).pendingTurnAt == nil)
    }

    @Test("an operator who takes over while the model is thinking wins: the bot's reply is dropped")
    func operatorTakeoverDuringTurn() async throws {
        let harness = try await EngineHarness.make()
        let template = try EngineHarness.template(Self.realEstateYAML)
        let operatorReply = MessageStore.NewInbound(
            tenantID: harness.tenant.id, sessionID: harness.session.id, provider: harness.session.provider,
            providerMessageID: "op-42", customerNumber: "5511988887777", kind: .text,
            content: ["body": "Oi Ana, é a Júlia, corretora. Vou te ajudar."], replyTo: nil, receivedAt: Date())
        let client = ScriptedLLMClient(replies: ["Resposta do bot que não deve sair."]) { _ in
            try await harness.store.recordOperatorMessage(operatorReply, pause: true)
        }
        let runner = harness.runner(templates: [template], llm: client)
        let outcome = try await harness.inbound("oi, tem apartamento?")
        let conversationID = try #require(outcome.conversationID)
        let report = try await runner.run(try await harness.claimOne())
        #expect(report.kind == .skipped)
        #expect(report.replies.isEmpty)
        #expect(client.requests.count == 1)
        #expect(try await harness.botReplies(conversationID).isEmpty)
        let conversation = try await harness.conversation(conversationID)
        #expect(conversation.state == .paused)
        #expect(conversation.lockedBy == nil)
        #expect(conversation.pendingTurnAt == nil)
    }
}
