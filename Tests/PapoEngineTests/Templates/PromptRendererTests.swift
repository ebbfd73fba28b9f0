import Foundation
import PapoEngine
import Testing

@Suite struct PromptRendererTests {
    @Test func substitutesAndToleratesWhitespace() {
        let rendered = PromptRenderer.render(
            "Olá {{customer.name}}, aqui é {{ agent.name }} da {{\ttenant.name  }}.",
            variables: ["customer.name": "Ana", "agent.name": "Lia", "tenant.name": "Casa Nova"])
        #expect(rendered.text == "Olá Ana, aqui é Lia da Casa Nova.")
        #expect(rendered.unknownVariables == [])
    }

    @Test func neverReExpandsSubstitutedValues() {
        let rendered = PromptRenderer.render(
            "Cliente: {{customer.name}}. Loja: {{tenant.name}}.",
            variables: ["customer.name": "{{tenant.name}} {{x}}", "tenant.name": "Casa Nova"])
        #expect(rendered.text == "Cliente: {{tenant.name}} {{x}}. Loja: Casa Nova.")
        #expect(rendered.unknownVariables == [])
    }

    @Test func unknownVariablesRenderEmptyAndAreReportedOnce() {
        let rendered = PromptRenderer.render(
            "Endereço: {{business.address}}; de novo: {{ business.address }}; {{tenant.name}}",
            variables: ["tenant.name": "Casa Nova"])
        #expect(rendered.text == "Endereço: ; de novo: ; Casa Nova")
        #expect(rendered.unknownVariables == ["business.address"])
    }

    @Test func bracesThatAreNotVariablesStayLiteral() {
        let template = "JSON: {{ \"a\": 1 }}, vazio {{}}, aberto {{tenant.name"
        let rendered = PromptRenderer.render(template, variables: ["tenant.name": "X"])
        #expect(rendered.text == template)
        #expect(rendered.unknownVariables == [])
        let scan = PromptRenderer.scan(template)
        #expect(scan.placeholders.map(\.isValidName) == [false, false])
        #expect(scan.unclosed.count == 1)
    }

    @Test func strayOpeningBeforeAPlaceholderIsIgnored() {
        let rendered = PromptRenderer.render("a {{ b {{tenant.name}} c", variables: ["tenant.name": "X"])
        #expect(rendered.text == "a {{ b X c")
    }

    @Test func variablesUseTheTenantTimeZoneAndLanguage() {
        // 2025-03-03T02:30:00Z is still Sunday evening in São Paulo (UTC-3).
        let now = Date(timeIntervalSince1970: 1_740_969_000)
        let variables = PromptVariables(
            tenantName: "Casa Nova", agentName: "Lia", customerName: nil, customerPhone: "+5511999990000",
            business: ["creci": "J-12345"], now: now,
            timeZone: TimeZone(identifier: "America/Sao_Paulo")!, language: "pt-BR")
        let values = variables.values
        #expect(values["now.date"] == "2025-03-02")
        #expect(values["now.time"] == "23:30")
        #expect(values["now.weekday"] == "domingo")
        #expect(values["customer.name"] == "")
        #expect(values["business.creci"] == "J-12345")
        #expect(Set(values.keys) == PromptVariables.known.union(["business.creci"]))

        let tokyo = PromptVariables(
            tenantName: "T", agentName: "A", now: now,
            timeZone: TimeZone(identifier: "Asia/Tokyo")!, language: "en")
        #expect(tokyo.values["now.date"] == "2025-03-03")
        #expect(tokyo.values["now.weekday"] == "Monday")
    }

    @Test func knownNames() {
        #expect(PromptVariables.isKnown("now.weekday"))
        #expect(PromptVariables.isKnown("business.opening_hours"))
        #expect(!PromptVariables.isKnown("business."))
        #expect(!PromptVariables.isKnown("customer.email"))
    }
}
