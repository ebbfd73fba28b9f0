import PapoCore
import PapoPlugins
import Testing

@Suite struct JSONSchemaValidatorTests {
    let schema: JSONValue = [
        "type": "object",
        "properties": [
            "name": ["type": "string", "minLength": 2, "maxLength": 5],
            "kind": ["type": "string", "enum": ["a", "b"]],
            "count": ["type": "integer", "minimum": 1, "maximum": 3],
            "tags": ["type": "array", "items": ["type": "string"]],
        ],
        "required": ["name"],
        "additionalProperties": false,
    ]

    @Test func acceptsConformingArguments() throws {
        let validator = try JSONSchemaValidator(schema: schema)
        #expect(validator.problems(in: ["name": "Ana", "kind": "a", "count": 3, "tags": ["x"]]) == [])
        #expect(validator.problems(in: ["name": "Ana", "count": 2.0]) == [])
    }

    @Test func reportsEveryProblemWithItsPath() throws {
        let validator = try JSONSchemaValidator(schema: schema)
        let problems = validator.problems(in: ["kind": "c", "count": 0, "tags": [1], "extra": true, "name": .null])
        #expect(
            problems == [
                "arguments.name: is required",
                "arguments.count: must be at least 1",
                "arguments.extra: is not a known parameter",
                "arguments.kind: must be one of \"a\", \"b\"",
                "arguments.name: expected string, got null",
                "arguments.tags[0]: expected string, got number",
            ])
        #expect(validator.problems(in: ["name": "abcdef"]) == ["arguments.name: must have at most 5 characters"])
        #expect(validator.problems(in: "x") == ["arguments: expected object, got string"])
    }

    @Test func rejectsUnusableSchemas() {
        #expect(throws: SchemaError.self) { try JSONSchemaValidator(schema: ["type": "string"]) }
        #expect(throws: SchemaError.self) { try JSONSchemaValidator(schema: ["type": "object", "oneOf": []]) }
        #expect(throws: SchemaError.self) {
            try JSONSchemaValidator(schema: ["type": "object", "properties": ["a": ["type": "text"]]])
        }
    }
}
