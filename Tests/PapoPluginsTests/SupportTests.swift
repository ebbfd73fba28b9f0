import PapoCore
import PapoPlugins
import Testing

@Suite struct SupportTests {
    @Test func bm25RanksTheObviousArticleFirst() async {
        let host = PluginFixtures.host()
        let cases: [(String, String)] = [
            ("quero devolver um produto, qual o prazo para devolução?", "Trocas e devoluções"),
            ("fui cobrado duas vezes no cartão", "Cobrança indevida ou em duplicidade"),
            ("esqueci minha senha e não consigo entrar", "Senha e acesso à conta"),
            ("meu pedido está atrasado, como rastrear?", "Prazos de entrega e rastreamento"),
            ("como peço a exclusão dos meus dados pessoais?", "Privacidade e dados pessoais (LGPD)"),
        ]
        for (query, title) in cases {
            let result = await host.invoke(
                tool: "search_knowledge_base", arguments: ["query": .string(query)], context: PluginFixtures.context())
            #expect(result.content["results"]?[0]?["title"]?.stringValue == title, "\(query)")
        }
        let password = await host.invoke(
            tool: "search_knowledge_base", arguments: ["query": "esqueci minha senha", "max_results": 1],
            context: PluginFixtures.context())
        #expect(password.content["results"]?.arrayValue?.count == 1)
        #expect(password.content["results"]?[0]?["section"] == "Esqueci minha senha")
    }

    @Test func ticketsAreCreatedListedAndPrivateToTheirCustomer() async throws {
        let host = PluginFixtures.host()
        let ana = PluginFixtures.context(customer: "+5511911110000")
        let bruno = PluginFixtures.context(customer: "+5521922220000")
        let first = await host.invoke(
            tool: "create_ticket",
            arguments: [
                "category": "entrega", "subject": "Pedido atrasado", "description": "O pedido 123 não chegou",
            ], context: ana)
        #expect(first.content["protocol_number"] == "20250314000001")
        #expect(first.content["priority"] == "normal")
        #expect(first.content["status"] == "aberto")
        let second = await host.invoke(
            tool: "create_ticket",
            arguments: [
                "category": "cobranca", "subject": "Cobrança dupla", "description": "Cobraram duas vezes",
                "priority": "alta",
            ], context: ana)
        #expect(second.content["protocol_number"] == "20250314000002")

        let mine = await host.invoke(tool: "list_my_tickets", arguments: [:], context: ana)
        #expect(
            mine.content["tickets"]?.arrayValue?.compactMap { $0["protocol_number"]?.stringValue }
                == ["20250314000002", "20250314000001"])
        let status = await host.invoke(
            tool: "ticket_status", arguments: ["protocol_number": "2025 0314 000001"], context: ana)
        #expect(status.content["subject"] == "Pedido atrasado")

        let snooping = await host.invoke(
            tool: "ticket_status", arguments: ["protocol_number": "20250314000001"], context: bruno)
        #expect(snooping.errorMessage == "não encontrei o protocolo 20250314000001 para este número de WhatsApp")
        let brunos = await host.invoke(tool: "list_my_tickets", arguments: [:], context: bruno)
        #expect(brunos.content["tickets"] == [])

        let otherTenant = PluginFixtures.context(tenant: "tenant-b", customer: "+5511911110000")
        let elsewhere = await host.invoke(tool: "list_my_tickets", arguments: [:], context: otherTenant)
        #expect(elsewhere.content["tickets"] == [])
    }

    @Test func configuredCategoriesAreEnforced() async {
        let host = PluginFixtures.host()
        let result = await host.invoke(
            tool: "create_ticket", arguments: ["category": "outro", "subject": "Teste", "description": "Teste"],
            context: PluginFixtures.context(config: ["categories": ["entrega"]]))
        #expect(result.errorMessage == "categoria não permitida; use uma de: entrega")
    }
}
