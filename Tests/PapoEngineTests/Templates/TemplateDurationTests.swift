import Foundation
import PapoEngine
import PapoYAML
import Testing

@Suite struct TemplateDurationTests {
    @Test(arguments: [
        ("500ms", Duration.milliseconds(500)), ("3s", .seconds(3)), ("2m", .seconds(120)),
        ("24h", .seconds(86_400)), ("7d", .seconds(604_800)), ("1h30m", .seconds(5_400)),
        ("1.5s", .milliseconds(1_500)), ("0s", .zero),
    ])
    func parses(text: String, expected: Duration) throws {
        #expect(try TemplateDuration(parsing: text).duration == expected)
    }

    @Test(arguments: ["", "3", "s", "3 s", "3sec", "-3s", "1.s", ".5s", "3s!", "1e3s", "abc", "999d"])
    func rejectsGarbage(text: String) {
        #expect(throws: TemplateDuration.ParseError.self) { try TemplateDuration(parsing: text) }
    }

    @Test func errorsExplainTheFormat() {
        #expect {
            try TemplateDuration(parsing: "10")
        } throws: { error in
            (error as? TemplateDuration.ParseError)?.message
                == "duration \"10\" is missing a unit; write a number followed by a unit (ms, s, m, h, d), "
                + "e.g. \"500ms\", \"3s\", \"2m\", \"24h\""
        }
    }

    @Test func canonicalTextRoundTrips() throws {
        #expect(TemplateDuration.milliseconds(500).description == "500ms")
        #expect(TemplateDuration.seconds(90).description == "1m30s")
        #expect(TemplateDuration.hours(24).description == "1d")
        #expect(TemplateDuration.seconds(0).description == "0s")
        #expect(try TemplateDuration(parsing: "1h30m").description == "1h30m")
        #expect(TemplateDuration.seconds(3).milliseconds == 3_000)
        #expect(TemplateDuration.milliseconds(1_500).seconds == 1.5)
    }

    @Test func decodesFromYAMLWithPositionedErrors() throws {
        struct Holder: Decodable { var wait: TemplateDuration }
        let decoder = YAMLDecoder(rejectUnknownKeys: true)
        #expect(try decoder.decode(Holder.self, from: "wait: 2m\n", file: "t.yaml").wait == .minutes(2))
        #expect {
            try decoder.decode(Holder.self, from: "wait: soon\n", file: "t.yaml")
        } throws: { error in
            guard let error = error as? YAMLError else { return false }
            return (error.line, error.column, error.path) == (1, 7, "wait") && error.message.contains("\"soon\"")
        }
    }

    @Test func templatesRoundTripThroughJSON() throws {
        // Agent overrides are stored as JSON; durations must survive as their text form.
        let template = AgentTemplate(
            id: "demo", name: "Demo", prompt: .init(system: "Oi"),
            debounce: .milliseconds(1_500), limits: .init(turnTimeout: .minutes(2)))
        let json = try JSONEncoder().encode(template)
        let object = try #require(try JSONSerialization.jsonObject(with: json) as? [String: Any])
        #expect(object["debounce"] as? String == "1s500ms")
        #expect(try JSONDecoder().decode(AgentTemplate.self, from: json) == template)
    }
}
