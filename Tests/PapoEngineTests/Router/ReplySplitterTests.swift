import Foundation
import PapoCore
import PapoEngine
import PapoLLM
import PapoStore
import Testing

@Suite("Reply splitting, context budgets and agent selection")
struct ReplySplitterTests {
    @Test("paragraphs become messages and long text is cut at sentence ends within the limit")
    func splitting() {
        let style = AgentTemplate.ReplyStyle(splitParagraphs: true, maxLength: 40)
        let text = "Primeiro parágrafo.\n\n\n  Segundo: uma frase longa. E outra frase que passa do limite aqui.  "
        #expect(
            ReplySplitter.split(text, style: style) == [
                "Primeiro parágrafo.", "Segundo: uma frase longa.", "E outra frase que passa do limite aqui.",
            ])
        let whole = AgentTemplate.ReplyStyle(splitParagraphs: false, maxLength: 4096)
        #expect(ReplySplitter.split("a\n\nb", style: whole) == ["a\n\nb"])
        #expect(ReplySplitter.split("   ", style: whole).isEmpty)
        let huge = String(repeating: "palavra ", count: 1200)
        let parts = ReplySplitter.split(huge, style: AgentTemplate.ReplyStyle(maxLength: 9000))
        #expect(parts.allSatisfy { $0.count <= 4096 })
        #expect(parts.joined(separator: " ") == huge.trimmingCharacters(in: .whitespaces))
    }

    @Test("offline answers prefer the best FAQ match, then the greeting on first contact, then the fallback")
    func offlineOrder() {
        var template = AgentTemplate(id: "t", name: "T", prompt: .init(system: "x"))
        template.offline = .init(
            greeting: "Olá!",
            faq: [
                .init(keywords: ["preço"], answer: "A"),
                .init(keywords: ["preço", "aluguel"], answer: "B"),
            ], fallback: "F")
        #expect(
            OfflineResponder.answer(template: template, texts: ["qual o preço do aluguel?"], isFirstContact: true)
                == "B")
        #expect(OfflineResponder.answer(template: template, texts: ["oi"], isFirstContact: true) == "Olá!")
        #expect(OfflineResponder.answer(template: template, texts: ["oi"], isFirstContact: false) == "F")
    }

    @Test("agent selection: assigned, then triggers, then the default agent, then the default template")
    func selection() throws {
        let sales = AgentTemplate(
            id: "sales", name: "Vendas", prompt: .init(system: "x"), triggers: .init(keywords: ["comprar"]))
        let support = AgentTemplate(id: "support", name: "Suporte", prompt: .init(system: "x"))
        let byID = ["sales": sales, "support": support]
        let router = ConversationRouter(templates: { byID[$0] }, defaultTemplateID: "support")
        #expect(
            router.selectAgent(for: try Self.conversation(agent: nil), agents: [], text: "oi")?.reason
                == .defaultTemplate)
        let tenant = UUID()
        let salesAgent = AgentRecord(tenantID: tenant, name: "Vendas", templateID: "sales")
        let defaultAgent = AgentRecord(tenantID: tenant, name: "Geral", templateID: "support", isDefault: true)
        let inactive = AgentRecord(tenantID: tenant, name: "Antigo", templateID: "sales", active: false)
        let agents = [salesAgent, defaultAgent, inactive]
        let unassigned = try Self.conversation(agent: nil)
        let byTrigger = router.selectAgent(for: unassigned, agents: agents, text: "quero comprar")
        #expect(byTrigger?.agent?.id == salesAgent.id)
        #expect(byTrigger?.assigns == true)
        let byDefault = router.selectAgent(for: unassigned, agents: agents, text: "oi")
        #expect(byDefault?.agent?.id == defaultAgent.id)
        #expect(byDefault?.reason == .defaultAgent)
        #expect(byDefault?.assigns == false)
        let assigned = router.selectAgent(for: try Self.conversation(agent: salesAgent.id), agents: agents, text: "oi")
        #expect(assigned?.reason == .assigned)
        #expect(assigned?.template.id == "sales")
        let stale = router.selectAgent(for: try Self.conversation(agent: inactive.id), agents: agents, text: "oi")
        #expect(stale?.agent?.id == defaultAgent.id)
        #expect(router.decide(template: support, texts: ["oi"]) == .answer)
        var finishing = support
        finishing.finish = .init(keywords: ["tchau"])
        #expect(router.decide(template: finishing, texts: ["obrigado", "Tchau!"]) == .finish)
        #expect(router.decide(template: finishing, texts: ["tchau, mas antes uma dúvida"]) == .answer)
    }

    @Test("the context keeps the newest messages within the token budget, and always the newest one")
    func contextBudget() throws {
        let window = try (1...6).map { try Self.message(seq: Int64($0), text: String(repeating: "x", count: 40)) }
        let messages = ContextBuilder.build(
            systemPrompt: "S", summary: "", window: window, maxMessages: 10, maxTokens: 30)
        #expect(messages.count == 3)
        #expect(messages.first?.role == .system)
        let tight = ContextBuilder.build(
            systemPrompt: "S", summary: "resumo", window: window, maxMessages: 10, maxTokens: 1)
        #expect(tight.count == 2)
        #expect(tight[0].content == "S\n\n# Resumo da conversa até aqui\nresumo")
        let capped = ContextBuilder.build(
            systemPrompt: "S", summary: "", window: window, maxMessages: 4, maxTokens: 10_000)
        #expect(capped.count == 5)
    }

    static func conversation(agent: UUID?) throws -> Conversation {
        Conversation(tenantID: UUID(), sessionID: UUID(), customerNumber: "5511988887777", agentID: agent)
    }

    static func message(seq: Int64, text: String) throws -> ConversationMessage {
        ConversationMessage(
            seq: seq, direction: seq % 2 == 1 ? "inbound" : "outbound", author: seq % 2 == 1 ? "customer" : "bot",
            content: ["body": .string(text)])
    }
}
