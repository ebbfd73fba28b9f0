import Foundation
import PapoCore
import PapoEngine
import PapoLLM
import PapoPostgres
import PapoStore
import PapoTestKit
import Testing

@Suite("Context window: stored tool exchanges, budgets, summary folding")
struct ContextWindowTests {
    static let clockYAML = """
        id: relogio
        name: Assistente
        prompt:
          system: Você é {{agent.name}}.
        capabilities:
          - current_datetime
        context:
          max_messages: 4
          max_tokens: 2000
        offline:
          fallback: Já retorno.
        """

    @Test("a tool round is stored with the turn and replayed whole, call before result, in the next turn")
    func toolRoundsAreStoredAndReplayed() async throws {
        let harness = try await EngineHarness.make()
        let model = try await FakeModel.start()
        model.server.enqueue(
            .toolCall(id: "call_clock", name: "current_datetime", arguments: "{}"),
            .text("Hoje é terça-feira."),
            .text("Amanhã é quarta."))
        let roomy = Self.clockYAML.replacingOccurrences(of: "max_messages: 4", with: "max_messages: 6")
        let runner = harness.runner(templates: [try EngineHarness.template(roomy)], llm: model.client)

        let first = try await harness.inbound("Que dia é hoje?")
        try await runner.run(try await harness.claimOne())
        let conversationID = try #require(first.conversationID)
        let stored = try await harness.store.toolCalls(try await harness.conversation(conversationID), fromSeq: 0)
        #expect(stored.map(\.name) == ["current_datetime"])
        #expect(stored.first?.round == 1)
        #expect(stored.first?.isError == false)
        let result = try JSONValue(parsing: try #require(stored.first?.result))
        #expect(result["timezone"]?.stringValue == "America/Sao_Paulo")
        #expect(result["date"]?.stringValue?.count == 10)

        try await harness.inbound("E amanhã?")
        try await runner.run(try await harness.claimOne())
        await model.stop()

        // The built-in tool's result went back to the model in the first turn.
        let toolAnswer = try model.body(1)["messages"]?.arrayValue?.last
        #expect(toolAnswer?["role"]?.stringValue == "tool")
        #expect(toolAnswer?["tool_call_id"]?.stringValue == "call_clock")
        // The second turn replays it between the question and the reply.
        let replay = try #require(try model.body(2)["messages"]?.arrayValue)
        #expect(
            replay.map { $0["role"]?.stringValue ?? "" } == [
                "system", "user", "assistant", "tool", "assistant", "user",
            ])
        #expect(replay[2]["tool_calls"]?[0]?["id"]?.stringValue == "call_clock")
        #expect(replay[3]["tool_call_id"]?.stringValue == "call_clock")
        #expect(replay[4]["content"]?.stringValue == "Hoje é terça-feira.")
        #expect(replay[5]["content"]?.stringValue == "E amanhã?")
    }

    @Test(
        "the window read ahead of routing is cut to the template's size, and a larger window is read in full",
        arguments: [(prefetch: 50, window: 3), (prefetch: 2, window: 6)])
    func prefetchedWindow(prefetch: Int, window: Int) async throws {
        let harness = try await EngineHarness.make()
        let model = try await FakeModel.start()
        let yaml = """
            id: janela
            name: Assistente
            prompt:
              system: Seja breve.
            context:
              max_messages: \(window)
              max_tokens: 100000
              summary:
                enabled: false
            offline:
              fallback: Já retorno.
            """
        let byID = ["janela": try EngineHarness.template(yaml)]
        let runner = TurnRunner(
            store: harness.store, router: ConversationRouter(templates: { byID[$0] }, defaultTemplateID: "janela"),
            llm: model.client, plugins: nil, configuration: .init(windowPrefetch: prefetch),
            logger: TestDatabase.logger)
        for turn in 1...5 {
            model.server.enqueue(.text("resposta \(turn)"))
            try await harness.inbound("pergunta \(turn)")
            try await runner.run(try await harness.claimOne())
        }
        await model.stop()
        // The fifth turn saw the newest `window` of the nine messages so far.
        #expect(model.server.requests.count == 5)
        let messages = try #require(try model.body(4)["messages"]?.arrayValue)
        let contents = messages.dropFirst().compactMap { $0["content"]?.stringValue }
        let history = (1...4).flatMap { ["pergunta \($0)", "resposta \($0)"] } + ["pergunta 5"]
        #expect(contents == Array(history.suffix(window)))
    }

    @Test("budgets are respected and a call is never separated from its result", arguments: 1...12)
    func budgetsNeverSplitToolRounds(maxMessages: Int) throws {
        // Six exchanges; the customer messages 1, 5 and 9 each led to a tool round (the one after
        // message 5 with two calls).
        let window: [ConversationMessage] = (1...12).map { (seq: Int) -> ConversationMessage in
            let inbound = seq % 2 == 1
            let content: JSONValue = ["body": .string("mensagem \(seq)")]
            return ConversationMessage(
                seq: Int64(seq), direction: inbound ? "inbound" : "outbound", author: inbound ? "customer" : "bot",
                content: content)
        }
        let calls = [
            ToolCallRecord(afterSeq: 1, round: 1, callID: "a", name: "t", arguments: "{}", result: "{\"r\":1}"),
            ToolCallRecord(afterSeq: 5, round: 1, callID: "b", name: "t", arguments: "{}", result: "{\"r\":2}"),
            ToolCallRecord(afterSeq: 5, round: 1, callID: "c", name: "t", arguments: "{}", result: "{\"r\":3}"),
            ToolCallRecord(afterSeq: 9, round: 1, callID: "d", name: "t", arguments: "{}", result: "{\"r\":4}"),
        ]
        for maxTokens in [5, 40, 80, 10_000] {
            let built = ContextBuilder.build(
                systemPrompt: "S", summary: "", window: window, toolCalls: calls, maxMessages: maxMessages,
                maxTokens: maxTokens)
            let body: [ChatMessage] = Array(built.dropFirst())
            #expect(built.first?.role == .system)
            #expect(body.last?.content == "mensagem 12", "the newest message is always kept")
            if body.count > 1 {
                #expect(body.count <= maxMessages, "message budget \(maxMessages), tokens \(maxTokens)")
            }
            // Every tool result follows its own call, and every call is followed by all its results.
            var open: Set<String> = []
            for message in body {
                if message.role == ChatMessage.Role.tool {
                    #expect(open.remove(message.toolCallID ?? "") != nil, "a result without its call")
                } else {
                    #expect(open.isEmpty, "a call without its result")
                    open.formUnion(message.toolCalls.map { (call: ToolCall) in call.id })
                }
            }
            #expect(open.isEmpty)
        }
        let everything = ContextBuilder.build(
            systemPrompt: "S", summary: "", window: window, toolCalls: calls, maxMessages: 100, maxTokens: 10_000)
        #expect(everything.count == 1 + 12 + 3 * 2 + 1)
    }

    @Test("when the window overflows, older turns are folded into the summary by the model, and later windows use it")
    func summaryFolding() async throws {
        let harness = try await EngineHarness.make()
        let model = try await FakeModel.start()
        let runner = harness.runner(templates: [try EngineHarness.template(Self.clockYAML)], llm: model.client)
        var conversationID: UUID?
        // Three exchanges fit the window of four messages once the newest question is added...
        for index in 1...2 {
            model.server.enqueue(.text("Resposta \(index)."))
            conversationID = try await harness.inbound("Pergunta \(index): quero um apartamento no Tatuapé")
                .conversationID
            try await runner.run(try await harness.claimOne())
        }
        #expect(model.server.requests.count == 2, "no fold while the unfolded messages fit")
        // ...the third exchange makes six unfolded messages, more than the four allowed.
        model.server.enqueue(
            .text("Resposta 3."),
            .text("- Cliente procura apartamento no Tatuapé.\n- Já fez três perguntas."))
        try await harness.inbound("Pergunta 3: com dois quartos")
        try await runner.run(try await harness.claimOne())
        #expect(model.server.requests.count == 4)
        let fold = try #require(try model.body(3)["messages"]?.arrayValue)
        #expect(fold[0]["content"]?.stringValue == AgentTemplate.Summary.defaultPrompt)
        let foldText = try #require(fold[1]["content"]?.stringValue)
        #expect(foldText.contains("Cliente: Pergunta 1: quero um apartamento no Tatuapé"))
        #expect(foldText.contains("Assistente: Resposta 2."))
        #expect(!foldText.contains("Pergunta 3"), "the newest half of the window stays verbatim")

        let id = try #require(conversationID)
        let folded = try await harness.conversation(id)
        #expect(folded.summary.hasPrefix("- Cliente procura apartamento no Tatuapé."))
        let upto = try #require(folded.summaryUpto)
        let usageRows = try await harness.pool.query(
            "SELECT count(*)::int8 AS n FROM ai_usage WHERE tenant_id = \(harness.tenant.id) AND conversation_id = \(id)"
        ).first!.decode("n", as: Int64.self)
        #expect(usageRows == 4, "three turns and the summarisation call are all recorded")

        // The next turn carries the summary in the system prompt and none of the folded messages.
        model.server.enqueue(.text("Resposta 4."))
        try await harness.inbound("Pergunta 4: e vaga de garagem?")
        try await runner.run(try await harness.claimOne())
        await model.stop()
        let next = try #require(try model.body(4)["messages"]?.arrayValue)
        #expect(next[0]["content"]?.stringValue?.contains("# Resumo da conversa até aqui\n- Cliente procura") == true)
        let texts = next.dropFirst().compactMap { $0["content"]?.stringValue }
        #expect(!texts.contains { $0.hasPrefix("Pergunta 1") || $0 == "Resposta 1." })
        #expect(texts.last == "Pergunta 4: e vaga de garagem?")
        let window = try await harness.store.loadWindow(try await harness.conversation(id), maxMessages: 50)
        #expect(window.allSatisfy { $0.seq > upto })
    }

    @Test("a folding call that fails leaves the summary as it was; the turn's reply is unaffected")
    func failedFoldChangesNothing() async throws {
        let harness = try await EngineHarness.make()
        let model = try await FakeModel.start()
        let template = try EngineHarness.template(
            Self.clockYAML.replacingOccurrences(of: "max_messages: 4", with: "max_messages: 2"))
        let runner = harness.runner(templates: [template], llm: model.client)
        model.server.enqueue(.text("Resposta 1."))
        let id = try #require(try await harness.inbound("Pergunta 1").conversationID)
        try await runner.run(try await harness.claimOne())
        model.server.enqueue(
            .text("Resposta 2."),
            FakeLLMServer.Reply(status: 500, content: .error(.openAI(message: "boom", type: "server_error"))))
        try await harness.inbound("Pergunta 2")
        let report = try await runner.run(try await harness.claimOne())
        await model.stop()
        #expect(model.server.requests.count == 3, "the fold was attempted")
        #expect(report.replies == ["Resposta 2."])
        let conversation = try await harness.conversation(id)
        #expect(conversation.summary.isEmpty)
        #expect(conversation.summaryUpto == nil)
    }
}

@Suite("Template texts")
struct TemplateTextTests {
    @Test("offline, handoff and finish texts written in the template get their variables filled in")
    func variablesAreRendered() async throws {
        let harness = try await EngineHarness.make(tenantName: "Imobiliária Sol")
        let template = try EngineHarness.template(
            """
            id: sol
            name: Assistente Sol
            prompt:
              system: Você é {{agent.name}}.
            handoff:
              keywords: [atendente]
              message: Certo, {{customer.name}}! Um corretor da {{tenant.name}} já vai falar com você.
            offline:
              fallback: Olá! Aqui é a {{tenant.name}}; já retornamos.
            """)
        let runner = harness.runner(templates: [template], llm: nil)
        try await harness.inbound("Oi", from: "5511911112222", name: "Bia")
        let offline = try await runner.run(try await harness.claimOne())
        #expect(offline.replies == ["Olá! Aqui é a Imobiliária Sol; já retornamos."])
        try await harness.inbound("quero um atendente", from: "5511911112222", name: "Bia")
        let handoff = try await runner.run(try await harness.claimOne())
        #expect(handoff.replies == ["Certo, Bia! Um corretor da Imobiliária Sol já vai falar com você."])
    }
}

@Suite("Reply pacing")
struct ReplyPacingTests {
    @Test("the parts of a split answer are due one typing delay apart; the first at once")
    func partsArePaced() async throws {
        let harness = try await EngineHarness.make()
        let template = try EngineHarness.template(
            """
            id: ritmo
            name: Ritmo
            prompt:
              system: Teste.
            reply:
              typing_delay_per_char_ms: 50
              max_typing_delay: 2s
            offline:
              fallback: "Primeira parte.\\n\\nSegunda parte, um pouco mais longa que a primeira."
            """)
        let runner = harness.runner(templates: [template], llm: nil)
        let outcome = try await harness.inbound("oi")
        let report = try await runner.run(try await harness.claimOne())
        #expect(report.replies.count == 2)
        let id = try #require(outcome.conversationID)
        let due = try await harness.pool.query(
            """
            SELECT EXTRACT(EPOCH FROM (next_attempt_at - queued_at))::float8 AS wait FROM messages
            WHERE tenant_id = \(harness.tenant.id) AND conversation_id = \(id) AND author = 'bot' ORDER BY seq
            """
        ).map { try $0.decode("wait", as: Double.self) }
        #expect(due.count == 2)
        #expect(due[0] < 0.01)
        // 52 characters at 50 ms is 2.6 s, capped at 2 s.
        #expect(abs(due[1] - 2.0) < 0.01, "\(due)")
    }
}
