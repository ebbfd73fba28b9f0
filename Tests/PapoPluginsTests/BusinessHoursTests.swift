import PapoCore
import PapoPlugins
import Testing

/// The C plugin, with the support agent's template config.
@Suite struct BusinessHoursTests {
    let config: JSONValue = [
        "timezone": "America/Sao_Paulo",
        "weekly": [
            "mon": ["08:00-20:00"], "tue": ["08:00-20:00"], "wed": ["08:00-20:00"], "thu": ["08:00-20:00"],
            "fri": ["08:00-12:00", "13:00-20:00"], "sat": ["09:00-14:00"], "sun": [],
        ],
        "holidays": "br-national",
    ]

    func ask(_ now: String) async -> JSONValue {
        let host = PluginFixtures.host()
        return await host.invoke(
            tool: "business_hours", arguments: [:], context: PluginFixtures.context(config: config, now: now)
        ).content
    }

    @Test func openOnAFridayAfternoon() async {
        // 18:30 UTC is 15:30 in São Paulo (UTC−3).
        let answer = await ask("2025-03-14T18:30:00Z")
        #expect(
            answer == [
                "open": true, "timezone": "America/Sao_Paulo", "local_time": "2025-03-14 15:30", "weekday": "fri",
                "holiday": false, "closes_at": "20:00", "next_opening": .null,
            ])
    }

    @Test func closedAtLunchOpensAtOne() async {
        let answer = await ask("2025-03-14T15:30:00Z")
        #expect(answer["open"] == false)
        #expect(answer["next_opening"] == "2025-03-14 13:00")
    }

    @Test func closedSaturdayAfternoonOpensMonday() async {
        let answer = await ask("2025-03-15T17:30:00Z")
        #expect(answer["open"] == false)
        #expect(answer["local_time"] == "2025-03-15 14:30")
        #expect(answer["next_opening"] == "2025-03-17 08:00")
    }

    @Test func goodFridayIsAHoliday() async {
        // Easter 2025 is April 20, so Good Friday is April 18.
        let answer = await ask("2025-04-18T14:00:00Z")
        #expect(answer["open"] == false)
        #expect(answer["holiday"] == true)
        #expect(answer["next_opening"] == "2025-04-19 09:00")
    }

    @Test func lateSundayNightInUTCIsStillSundayLocally() async {
        // 02:00 UTC Monday is 23:00 Sunday in São Paulo.
        let answer = await ask("2025-03-17T02:00:00Z")
        #expect(answer["weekday"] == "sun")
        #expect(answer["next_opening"] == "2025-03-17 08:00")
    }
}
