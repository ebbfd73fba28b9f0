import Foundation
import PapoEngine
import PapoYAML
import Testing

/// The templates shipped in `agents/` are what customers experience: they must load,
/// validate, and keep the promises the product makes (tools, handoff, LGPD, brevity).
@Suite struct BundledTemplatesTests {
    private func load(_ name: String) throws -> AgentTemplate {
        let outcome = TemplateFixtures.bundled(name)
        #expect(outcome.errors == [], "\(outcome.errors.map(\.description))")
        return try #require(outcome.template)
    }

    @Test func bothTemplatesLoadAndTheFolderValidates() throws {
        let errors = AgentTemplateLibrary.validate(files: [TemplateFixtures.agentsFolder])
        #expect(errors.map(\.description) == [])

        let library = AgentTemplateLibrary(directory: TemplateFixtures.agentsFolder)
        library.reload()
        #expect(library.templates.map(\.id) == ["real-estate", "support"])
        #expect(library.errors == [])
    }

    @Test func realEstateDeclaresItsToolsHandoffAndFinish() throws {
        let template = try load("real-estate.yaml")
        #expect(template.id == "real-estate")
        #expect(template.language == "pt-BR")
        #expect(template.model.name == nil)
        #expect(
            template.capabilities.map(\.tool) == [
                "search_properties", "property_details", "schedule_visit", "simulate_financing", "business_hours",
                "current_datetime",
            ])
        #expect(template.toolNames.last == "handoff_to_human")
        #expect(template.capability("search_properties")?.config?["max_results"] == 3)
        #expect(template.capability("simulate_financing")?.config?["systems"] == ["SAC", "PRICE"])
        #expect(template.debounce == .seconds(3))
        #expect(template.context.idleExpiry == .hours(72))
        #expect(template.handoff.matches("Quero falar com um CORRETOR, por favor"))
        #expect(template.handoff.pauseOnOperatorReply)
        #expect(template.finish.matches("Encerrar!"))
        #expect(!template.finish.matches("quero sair do aluguel"))
        #expect(template.triggers.matches("Vi o cód. AP-1234 no site"))
        #expect(
            template.offline.faqAnswer(for: "vocês fazem financiamento pela caixa?")?.question
                == "Como funciona o financiamento?")
        #expect(template.offline.faq.count == 5)
    }

    @Test func supportDeclaresKnowledgeBaseTicketsAndFrustrationHandoff() throws {
        let template = try load("support.yaml")
        #expect(template.id == "support")
        #expect(
            template.capabilities.map(\.tool) == [
                "search_knowledge_base", "create_ticket", "ticket_status", "list_my_tickets", "business_hours",
            ])
        #expect(template.handoff.matches("isso é um absurdo"))
        #expect(template.handoff.matches("vou reclamar no Reclame Aqui"))
        #expect(!template.handoff.matches("minha internet caiu"))
        #expect(template.triggers.matches("sobre o protocolo nº 123456"))
        #expect(template.capability("ticket_status")?.config?["only_own_tickets"] == true)
        #expect(template.limits.maxToolRounds == 4)
        #expect(template.reply.maxLength == 1200)
    }

    @Test(arguments: ["real-estate.yaml", "support.yaml"])
    func promptsRenderCompletelyAndKeepTheProductRules(file: String) throws {
        let template = try load(file)
        let variables = PromptVariables(
            tenantName: "Casa Nova Imóveis", agentName: template.name,
            customerName: "Ana", customerPhone: "+5511999990000")
        let rendered = template.renderSystemPrompt(variables)
        #expect(rendered.unknownVariables == [])
        #expect(rendered.text.contains("Casa Nova Imóveis"))
        #expect(!rendered.text.contains("{{"))
        let text = rendered.text.lowercased()
        // Brevity, one question at a time, tools as the only source of facts, LGPD consent, handoff.
        #expect(text.contains("mensagens curtas"))
        #expect(text.contains("uma pergunta por vez"))
        #expect(text.contains("nunca invente"))
        #expect(text.contains("lgpd") && text.contains("autoriza"))
        #expect(text.contains("ferramenta handoff"))
        for tool in template.capabilities.map(\.tool) {
            #expect(rendered.text.contains(tool), "the prompt never tells the model when to use \(tool)")
        }
    }
}
