import Foundation
import PapoCore
import PapoEngine
import PapoStore
import PapoYAML
import Testing

/// Every rejected template names the file, line, column and key path, so an author
/// can jump straight to the mistake.
@Suite struct TemplateValidationTests {
    private func errors(_ text: String, file: String = "agents/demo.yaml") -> [TemplateError] {
        AgentTemplateLoader.load(text: text, file: file).errors
    }

    @Test func minimalTemplateGetsDefaults() throws {
        let outcome = AgentTemplateLoader.load(text: TemplateFixtures.minimal(), file: "demo.yaml")
        let template = try #require(outcome.template)
        #expect(outcome.errors == [])
        #expect(template.language == "pt-BR")
        #expect(template.model == AgentTemplate.Model(name: nil, temperature: 0.3, maxTokens: 800, topP: 1))
        #expect(template.context.maxMessages == 30)
        #expect(template.context.idleExpiry == .hours(24))
        #expect(template.context.summary.enabled)
        #expect(template.debounce == .seconds(3))
        #expect(template.reply.maxLength == 4096)
        #expect(template.limits.turnTimeout == .seconds(60))
        #expect(template.toolNames == ["handoff_to_human"])
        #expect(template.offline.fallback == AgentTemplate.OfflineAnswers.defaultFallback)
    }

    @Test func typoTwoLevelsDeepIsReportedWithPosition() throws {
        let text =
            TemplateFixtures.minimal() + """
                context:
                  summary:
                    enabled: true
                    promt: Resuma a conversa.

                """
        let error = try #require(errors(text).first)
        #expect(error.kind == .unknownKey)
        #expect(error.file == "agents/demo.yaml")
        #expect((error.line, error.column) == (8, 5))
        #expect(error.path == "context.summary.promt")
        #expect(error.message.contains("did you mean 'prompt'"))
        #expect(error.description == "agents/demo.yaml:8:5: \(error.message) (at context.summary.promt)")
    }

    @Test func invalidRegexIsReportedAtTheEntry() throws {
        let text =
            TemplateFixtures.minimal() + """
                triggers:
                  regex:
                    - '^oi$'
                    - '(sem fechar'

                """
        let error = try #require(errors(text).first)
        #expect(errors(text).count == 1)
        #expect(error.kind == .invalidValue)
        #expect(error.path == "triggers.regex[1]")
        #expect((error.line, error.column) == (8, 7))
        #expect(error.message.hasPrefix("invalid regex '(sem fechar'"))
    }

    @Test func unknownPromptVariableIsPointedAtExactly() throws {
        let text = """
            id: demo
            name: Demo
            prompt:
              system: |
                Olá {{customer.name}}!
                Você fala com {{ custumer.name }} da {{business.razao_social}}.

            """
        let found = errors(text)
        #expect(found.count == 1)
        let error = try #require(found.first)
        #expect(error.kind == .unknownVariable)
        #expect(error.path == "prompt.system")
        #expect((error.line, error.column) == (6, 19))
        #expect(error.message.contains("unknown variable 'custumer.name'"))
        #expect(error.message.contains("did you mean 'customer.name'"))
    }

    @Test func malformedAndUnclosedPlaceholdersAreErrors() {
        let text = """
            id: demo
            name: Demo
            prompt:
              system: "Olá {{customer name}} e {{tenant.name"

            """
        let found = errors(text)
        #expect(found.map(\.path) == ["prompt.system", "prompt.system"])
        #expect(found.map(\.line) == [4, 4])
        #expect(found.map(\.column) == [16, 36])
        #expect(found[0].message.contains("is not a variable"))
        #expect(found[1].message.contains("never closed"))
    }

    @Test func temperatureOutOfRange() throws {
        let error = try #require(errors(TemplateFixtures.minimal(extra: "model:\n  temperature: 2.5\n")).first)
        #expect(error.kind == .invalidValue)
        #expect(error.path == "model.temperature")
        #expect((error.line, error.column) == (6, 16))
        #expect(error.message == "temperature 2.5 must be between 0 and 2")
    }

    @Test func badDurationIsADecodingErrorWithPath() throws {
        let error = try #require(errors(TemplateFixtures.minimal(extra: "context:\n  idle_expiry: 24 horas\n")).first)
        #expect(error.kind == .invalidValue)
        #expect(error.path == "context.idle_expiry")
        #expect((error.line, error.column) == (6, 16))
        #expect(error.message.contains("\"24 horas\""))

        let bare = try #require(errors(TemplateFixtures.minimal(extra: "debounce: 3\n")).first)
        #expect(bare.path == "debounce")
        #expect(bare.message.contains("missing a unit"))
    }

    @Test func debounceLongerThanAMinuteIsRejected() throws {
        let error = try #require(errors(TemplateFixtures.minimal(extra: "debounce: 90s\n")).first)
        #expect(error.path == "debounce")
        #expect((error.line, error.column) == (5, 11))
        #expect(error.message == "debounce 1m30s must be between 0s and 1m")
    }

    @Test func idMustBeASlug() throws {
        let error = try #require(errors(TemplateFixtures.minimal(id: "Real_Estate")).first)
        #expect(error.path == "id")
        #expect((error.line, error.column) == (1, 5))
    }

    @Test func duplicateCapabilitiesAndHandoffToolClash() throws {
        let text =
            TemplateFixtures.minimal() + """
                capabilities:
                  - business_hours
                  - tool: search_properties
                    config: {max_results: 3}
                  - tool: business_hours
                  - handoff_to_human

                """
        let found = errors(text)
        #expect(found.map(\.path) == ["capabilities[2].tool", "capabilities[3]"])
        #expect(found.map(\.kind) == [.duplicate, .duplicate])
        #expect(found.map(\.line) == [9, 10])
        #expect(found[0].message.contains("already declared by capabilities[0]"))
        #expect(found[1].message.contains("built-in handoff_to_human tool"))
    }

    @Test func capabilityShorthandAndConfigAreDecoded() throws {
        let text =
            TemplateFixtures.minimal() + """
                capabilities:
                  - business_hours
                  - tool: search_properties
                    config:
                      listings_file: data/imoveis.json
                      max_results: 3

                """
        let template = try #require(AgentTemplateLoader.load(text: text, file: "demo.yaml").template)
        #expect(template.capabilities[0] == .init(tool: "business_hours"))
        #expect(template.capabilities[1].config == ["listings_file": "data/imoveis.json", "max_results": 3])
        let json = try #require(try template.capabilities[1].config?.jsonString())
        #expect(json == #"{"listings_file":"data/imoveis.json","max_results":3}"#)
    }

    @Test func replyLengthBudgetsAndKeywordConflicts() {
        let text =
            TemplateFixtures.minimal() + """
                context:
                  max_messages: 0
                reply:
                  max_length: 5000
                handoff:
                  keywords: [atendente]
                finish:
                  keywords: [Atendente!]

                """
        let found = errors(text)
        #expect(found.map(\.path) == ["context.max_messages", "reply.max_length", "finish.keywords[0]"])
        #expect(found.map(\.line) == [6, 8, 12])
        #expect(found[2].kind == .duplicate)
    }

    @Test func duplicateIDAcrossFilesIsReportedOnTheLaterFile() async throws {
        try await TemplateFixtures.withFolder { folder in
            try TemplateFixtures.write(TemplateFixtures.minimal(id: "demo"), to: "a.yaml", in: folder)
            let second = try TemplateFixtures.write(
                TemplateFixtures.minimal(id: "demo", name: "Outro"),
                to: "b.yml", in: folder)
            let found = AgentTemplateLibrary.validate(files: [folder])
            #expect(found.count == 1)
            let error = try #require(found.first)
            #expect(error.kind == .duplicate)
            #expect(error.file == second.path)
            #expect((error.line, error.column, error.path) == (1, 5, "id"))
            #expect(error.message.contains("a.yaml:1:5"))
        }
    }

    @Test func syntaxErrorsAndMissingFilesAreReported() async throws {
        try await TemplateFixtures.withFolder { folder in
            let broken = try TemplateFixtures.write("id: demo\nname: [unclosed\n", to: "broken.yaml", in: folder)
            let missing = folder.appendingPathComponent("missing.yaml")
            let found = AgentTemplateLibrary.validate(files: [broken, missing])
            #expect(found.map(\.kind) == [.syntax, .io])
            #expect(found[0].file == broken.path)
            #expect(found[0].line == 3)
            #expect(found[1].file == missing.path)
        }
    }
}

@Suite("Agent overrides")
struct AgentOverridesTests {
    static func base() throws -> AgentTemplate {
        let outcome = AgentTemplateLoader.load(
            text: TemplateFixtures.minimal(extra: "context:\n  max_messages: 20\n"), file: "demo.yaml")
        return try #require(outcome.template)
    }

    @Test("overrides merge over the template key by key and are validated like a template")
    func mergeAndValidate() throws {
        let template = try Self.base()
        let merged = template.applying([
            "context": ["max_tokens": 900], "model": ["temperature": 0.1],
            "prompt": ["system": "Você é a recepção de {{tenant.name}}."],
        ])
        let applied = try #require(merged.template, "\(merged.errors)")
        #expect(applied.context.maxMessages == 20, "siblings of an overridden key are kept")
        #expect(applied.context.maxTokens == 900)
        #expect(applied.model.temperature == 0.1)
        #expect(applied.prompt.system == "Você é a recepção de {{tenant.name}}.")
        #expect(applied.id == template.id)

        let typo = template.applying(["context": ["max_mesages": 5]])
        #expect(typo.template == nil)
        #expect(typo.errors.map(\.path) == ["context.max_mesages"])
        #expect(typo.errors.first?.kind == .unknownKey)
        let invalid = template.applying(["model": ["temperature": 9]])
        #expect(invalid.errors.map(\.path) == ["model.temperature"])
        #expect(template.applying([:]).template == template)
    }

    @Test("the router answers with the agent's merged template")
    func routerUsesOverrides() throws {
        let template = try Self.base()
        let router = ConversationRouter(templates: { $0 == template.id ? template : nil })
        let agent = AgentRecord(
            id: UUID(), tenantID: UUID(), name: "Recepção", templateID: template.id,
            overrides: ["context": ["max_messages": 6]], active: true, isDefault: true)
        let conversation = Conversation(tenantID: agent.tenantID, sessionID: UUID(), customerNumber: "5511988887777")
        let selection = try #require(router.selectAgent(for: conversation, agents: [agent], text: "oi"))
        #expect(selection.template.context.maxMessages == 6)
        // Overrides that stopped fitting are ignored rather than silencing the agent.
        var broken = agent
        broken.overrides = ["context": ["max_messages": "muitas"]]
        let fallback = try #require(router.selectAgent(for: conversation, agents: [broken], text: "oi"))
        #expect(fallback.template.context.maxMessages == 20)
    }
}
