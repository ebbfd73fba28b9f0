import Foundation
import PapoEngine
import Testing

/// `schemas/agent-template.schema.json` is hand-written for editors and tooling; this
/// keeps it describing exactly the keys the decoder reads, section by section.
@Suite struct TemplateSchemaTests {
    private let schema: [String: Any]

    init() throws {
        let url = TemplateFixtures.packageRoot.appendingPathComponent("schemas/agent-template.schema.json")
        schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    @Test func schemaKeysMatchEveryEncodedSection() throws {
        var template = try #require(TemplateFixtures.bundled("real-estate.yaml").template)
        // Populate the optional keys the bundled file leaves out, so every section is compared.
        template.model.name = "gpt-4o-mini"
        template.capabilities.append(.init(tool: "no_config"))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(template))
        var mismatches: [String] = []
        compare(json, with: schema, at: "", mismatches: &mismatches)
        #expect(mismatches == [])
        #expect(schema["additionalProperties"] as? Bool == false)
    }

    private func compare(_ value: Any, with node: [String: Any], at path: String, mismatches: inout [String]) {
        let node = resolve(node, for: value)
        if let object = value as? [String: Any], let properties = node["properties"] as? [String: Any] {
            if node["additionalProperties"] as? Bool != false {
                mismatches.append("\(path): schema allows unknown keys")
            }
            let missing = Set(object.keys).subtracting(properties.keys)
            // `config` is free-form and `null` members are omitted when encoding.
            let unencoded = Set(properties.keys).subtracting(object.keys).subtracting(["config"])
            if !missing.isEmpty { mismatches.append("\(path): not in schema: \(missing.sorted())") }
            if !unencoded.isEmpty { mismatches.append("\(path): only in schema: \(unencoded.sorted())") }
            for (key, child) in object {
                guard key != "config", let childSchema = properties[key] as? [String: Any] else { continue }
                compare(child, with: childSchema, at: path.isEmpty ? key : "\(path).\(key)", mismatches: &mismatches)
            }
        } else if let array = value as? [Any], let items = node["items"] as? [String: Any] {
            for (index, item) in array.enumerated() {
                compare(item, with: items, at: "\(path)[\(index)]", mismatches: &mismatches)
            }
        }
    }

    /// Follows `$ref` and picks the `anyOf`/`oneOf` branch for the value's JSON type.
    private func resolve(_ node: [String: Any], for value: Any) -> [String: Any] {
        if let ref = node["$ref"] as? String, let name = ref.split(separator: "/").last,
            let definition = (schema["$defs"] as? [String: Any])?[String(name)] as? [String: Any]
        {
            return resolve(definition, for: value)
        }
        let branches = (node["anyOf"] ?? node["oneOf"]) as? [[String: Any]] ?? []
        guard !branches.isEmpty else { return node }
        let wanted = value is [String: Any] ? "object" : value is [Any] ? "array" : "scalar"
        for branch in branches {
            let resolved = resolve(branch, for: value)
            let types = (resolved["type"] as? [String]) ?? [(resolved["type"] as? String) ?? ""]
            if types.contains(wanted) || (wanted == "scalar" && !types.contains("object") && !types.contains("array")) {
                return resolved
            }
        }
        return node
    }
}
