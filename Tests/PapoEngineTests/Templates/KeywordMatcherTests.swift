import PapoEngine
import Testing

/// Customers type on phones; matching must survive case, accents and punctuation
/// without firing inside longer words.
@Suite struct KeywordMatcherTests {
    @Test func matchesWholeWordsIgnoringCaseAndAccents() {
        #expect(KeywordMatcher.containsAny(["atendente"], in: "Quero um ATENDÊNTE, por favor!"))
        #expect(KeywordMatcher.containsAny(["falar com alguém"], in: "posso falar com alguem?"))
        #expect(!KeywordMatcher.containsAny(["corretor"], in: "a corretora é boa"))
        #expect(!KeywordMatcher.containsAny(["falar com alguém"], in: "falar com"))
        #expect(!KeywordMatcher.containsAny([], in: "qualquer coisa"))
        #expect(KeywordMatcher.words("Olá, 2 quartos!") == ["ola", "2", "quartos"])
    }

    @Test func equalityIgnoresPunctuationAndSpacing() {
        #expect(KeywordMatcher.equalsAny(["encerrar atendimento"], text: "  Encerrar   atendimento!! "))
        #expect(!KeywordMatcher.equalsAny(["sair"], text: "quero sair do aluguel"))
        #expect(!KeywordMatcher.equalsAny(["sair"], text: "🙂"))
    }

    @Test func triggersMatchKeywordsRegexOrEverything() {
        let triggers = AgentTemplate.Triggers(keywords: ["aluguel"], regex: [#"(?i)\bref\s*\d{4}\b"#])
        #expect(triggers.matches("Tem algo para ALUGUEL?"))
        #expect(triggers.matches("vi a Ref 4521 no site"))
        #expect(!triggers.matches("bom dia"))
        #expect(AgentTemplate.Triggers(all: true).matches("bom dia"))
        #expect(!AgentTemplate.Triggers().matches("aluguel"))
    }

    @Test func handoffMatchesInsideSentencesButFinishNeedsTheWholeMessage() {
        let handoff = AgentTemplate.Handoff(keywords: ["atendente", "reclame aqui"])
        #expect(handoff.matches("vou postar no Reclame Aqui!!"))
        #expect(!handoff.matches("reclame comigo aqui"))
        let finish = AgentTemplate.Finish(keywords: ["tchau", "pode encerrar"])
        #expect(finish.matches("Tchau!"))
        #expect(finish.matches("pode encerrar."))
        #expect(!finish.matches("tchau, mas antes uma dúvida"))
    }

    @Test func faqPicksTheEntryWithMostKeywordHits() {
        let offline = AgentTemplate.OfflineAnswers(faq: [
            .init(keywords: ["horário"], answer: "Das 9h às 18h."),
            .init(keywords: ["horário", "visita"], answer: "Visitas das 10h às 17h."),
            .init(keywords: ["financiamento"], answer: "SAC ou PRICE."),
        ])
        #expect(offline.faqAnswer(for: "qual o horario?")?.answer == "Das 9h às 18h.")
        #expect(offline.faqAnswer(for: "qual o horário de visita?")?.answer == "Visitas das 10h às 17h.")
        #expect(offline.faqAnswer(for: "oi") == nil)
    }
}
