import Foundation
import PapoYAML
import Testing

@Suite struct YAMLValueTests {
    private let pluginYAML = """
        plugin: metrics
        config:
          port: "8080"
          interval: 15
          ratio: 0.5
          enabled: true
          legacy: no
          owner: ~
          labels: [a, "b", 3]
          nested: {deep: {deeper: x}}
        """

    @Test func freeFormBlockDecodesThroughAnOrdinaryField() throws {
        struct Plugin: Decodable {
            var plugin: String
            var config: YAMLValue
        }
        let plugin = try YAMLDecoder().decode(Plugin.self, from: pluginYAML)
        #expect(plugin.plugin == "metrics")
        #expect(
            plugin.config == [
                "port": "8080",
                "interval": 15,
                "ratio": 0.5,
                "enabled": true,
                "legacy": "no",
                "owner": nil,
                "labels": ["a", "b", 3],
                "nested": ["deep": ["deeper": "x"]],
            ])
        #expect(plugin.config["port"]?.stringValue == "8080")
        #expect(plugin.config["labels"]?[2]?.intValue == 3)
        #expect(
            plugin.config.objectValue?.keys == [
                "port", "interval", "ratio", "enabled", "legacy", "owner", "labels", "nested",
            ])
    }

    @Test func jsonTextKeepsDocumentOrder() throws {
        let value = try YAMLValue(yaml: pluginYAML)
        let json = try value["config"]?.jsonString()
        #expect(
            json == """
                {"port":"8080","interval":15,"ratio":0.5,"enabled":true,"legacy":"no","owner":null,\
                "labels":["a","b",3],"nested":{"deep":{"deeper":"x"}}}
                """)
        let pretty = try YAMLValue(yaml: "a: [1, {b: \"q\\\"\\n\"}]\nc: {}\n").jsonString(prettyPrinted: true)
        #expect(pretty == "{\n  \"a\": [\n    1,\n    {\n      \"b\": \"q\\\"\\n\"\n    }\n  ],\n  \"c\": {}\n}")
    }

    @Test func roundTripThroughJSONData() throws {
        let value = try YAMLValue(yaml: pluginYAML)
        let data = try value.jsonData()

        let viaJSONDecoder = try JSONDecoder().decode(YAMLValue.self, from: data)
        #expect(viaJSONDecoder == value)

        let foundation = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let config = try #require(foundation["config"] as? [String: Any])
        #expect(config["port"] as? String == "8080")
        #expect(config["interval"] as? Int == 15)
        #expect(config["owner"] is NSNull)

        let reencoded = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(YAMLValue.self, from: reencoded) == value)
    }

    @Test func jsonObjectIsAcceptedByJSONSerialization() throws {
        let value = try YAMLValue(yaml: "list: [1, 2.5, true, null, text]\n")
        let object = try #require(value.jsonObject as? [String: Any])
        let list = try #require(object["list"] as? [Any])
        #expect(list.count == 5)
        #expect(list[0] as? Int == 1)
        #expect(list[1] as? Double == 2.5)
        #expect(list[4] as? String == "text")
        #expect(JSONSerialization.isValidJSONObject(value.jsonObject))
    }

    @Test func nonFiniteNumbersCannotBecomeJSON() throws {
        let value = try YAMLValue(yaml: "limits:\n  max: .inf\n")
        let error = try #require(throws: YAMLError.self) { try value.jsonData() }
        #expect(error.kind == .valueOutOfRange)
        #expect(error.path == "limits.max")
    }

    @Test func keysInsideYAMLValueAreNeverUnknown() throws {
        struct Holder: Decodable {
            var known: Int
            var extra: YAMLValue?
        }
        let holder = try YAMLDecoder().decode(Holder.self, from: "known: 1\nextra:\n  anything: goes\n")
        #expect(holder.extra?["anything"] == "goes")
        let absent = try YAMLDecoder().decode(Holder.self, from: "known: 2\n")
        #expect(absent.extra == nil)
    }

    @Test func objectOrderIsIgnoredForEqualityButKeptForIteration() throws {
        let a = try YAMLValue(yaml: "{x: 1, y: 2}")
        let b = try YAMLValue(yaml: "{y: 2, x: 1}")
        #expect(a == b)
        #expect(Set([a, b]).count == 1)
        #expect(b.objectValue.map { Array($0).map(\.key) } == ["y", "x"])
        #expect(try YAMLValue(yaml: "{x: 1, y: 3}") != a)
    }

    @Test func bigIntegersFallBackToDouble() throws {
        #expect(try YAMLValue(yaml: "9223372036854775807") == .int(.max))
        #expect(try YAMLValue(yaml: "-9223372036854775808") == .int(.min))
        #expect(try YAMLValue(yaml: "9223372036854775808") == .double(9_223_372_036_854_775_808))
    }
}
