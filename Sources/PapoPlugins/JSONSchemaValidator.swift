public import PapoCore

/// The subset of JSON Schema that tool parameters use, checked before a plugin runs.
///
/// Supported keywords: `type` (one name or a list), `properties`, `required`, `enum`,
/// `minimum`, `maximum`, `minLength`, `maxLength`, `items`, `additionalProperties: false`.
/// `description`, `title`, `default` and `examples` are allowed and ignored. Anything else is
/// rejected when the manifest loads, so a schema never silently checks less than it says.
public struct JSONSchemaValidator: Sendable {
    static let knownTypes: Set<String> = ["object", "array", "string", "integer", "number", "boolean", "null"]
    static let knownKeywords: Set<String> = [
        "type", "properties", "required", "enum", "minimum", "maximum", "minLength", "maxLength",
        "items", "additionalProperties", "description", "title", "default", "examples",
    ]

    /// The schema arguments are checked against.
    public let schema: JSONValue

    /// Checks that `schema` is a usable tool-parameters schema (an object schema).
    public init(schema: JSONValue) throws(SchemaError) {
        try Self.checkSchema(schema, at: "parameters")
        guard schema["type"] == "object" else {
            throw SchemaError("parameters: the top-level schema must have \"type\": \"object\"")
        }
        self.schema = schema
    }

    /// Every way `value` breaks the schema, as `path: problem` lines; empty when it conforms.
    public func problems(in value: JSONValue) -> [String] {
        var problems: [String] = []
        Self.validate(value, against: schema, at: "arguments", into: &problems)
        return problems
    }

    private static func checkSchema(_ schema: JSONValue, at path: String) throws(SchemaError) {
        guard let members = schema.objectValue else { throw SchemaError("\(path): a schema must be an object") }
        for key in members.keys where !knownKeywords.contains(key) {
            throw SchemaError("\(path): unsupported keyword \"\(key)\"")
        }
        if let type = members["type"] {
            let names = type.arrayValue?.compactMap(\.stringValue) ?? type.stringValue.map { [$0] } ?? []
            guard !names.isEmpty, names.allSatisfy(knownTypes.contains) else {
                throw SchemaError("\(path): \"type\" must name JSON types, got \(type.jsonText)")
            }
        }
        if let properties = members["properties"] {
            guard let properties = properties.objectValue else {
                throw SchemaError("\(path): \"properties\" must be an object")
            }
            for (name, property) in properties { try checkSchema(property, at: "\(path).\(name)") }
        }
        if let required = members["required"] {
            guard let names = required.arrayValue, names.allSatisfy({ $0.stringValue != nil }) else {
                throw SchemaError("\(path): \"required\" must be a list of names")
            }
        }
        if let items = members["items"] { try checkSchema(items, at: "\(path)[]") }
        if let values = members["enum"], values.arrayValue?.isEmpty != false {
            throw SchemaError("\(path): \"enum\" must be a non-empty list")
        }
        for key in ["minimum", "maximum"] where members[key] != nil && members[key]?.doubleValue == nil {
            throw SchemaError("\(path): \"\(key)\" must be a number")
        }
        for key in ["minLength", "maxLength"] where members[key] != nil && (members[key]?.intValue ?? -1) < 0 {
            throw SchemaError("\(path): \"\(key)\" must be a non-negative integer")
        }
        if let extra = members["additionalProperties"], extra.boolValue == nil {
            throw SchemaError("\(path): only a boolean \"additionalProperties\" is supported")
        }
    }

    private static func validate(
        _ value: JSONValue, against schema: JSONValue, at path: String, into problems: inout [String]
    ) {
        if let type = schema["type"] {
            let names = type.arrayValue?.compactMap(\.stringValue) ?? type.stringValue.map { [$0] } ?? []
            guard names.contains(where: { matches(value, type: $0) }) else {
                problems.append("\(path): expected \(names.joined(separator: " or ")), got \(value.typeName)")
                return
            }
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(where: { sameValue($0, value) }) {
            let list = allowed.map(\.jsonText).joined(separator: ", ")
            problems.append("\(path): must be one of \(list)")
        }
        if let number = value.doubleValue {
            if let minimum = schema["minimum"]?.doubleValue, number < minimum {
                problems.append("\(path): must be at least \(schema["minimum"]!.jsonText)")
            }
            if let maximum = schema["maximum"]?.doubleValue, number > maximum {
                problems.append("\(path): must be at most \(schema["maximum"]!.jsonText)")
            }
        }
        if let text = value.stringValue {
            if let minimum = schema["minLength"]?.intValue, text.count < minimum {
                problems.append("\(path): must have at least \(minimum) characters")
            }
            if let maximum = schema["maxLength"]?.intValue, text.count > maximum {
                problems.append("\(path): must have at most \(maximum) characters")
            }
        }
        if let elements = value.arrayValue, let items = schema["items"] {
            for (index, element) in elements.enumerated() {
                validate(element, against: items, at: "\(path)[\(index)]", into: &problems)
            }
        }
        if let members = value.objectValue {
            let properties = schema["properties"]?.objectValue ?? [:]
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
            where members[name] == nil || members[name] == .null {
                problems.append("\(path).\(name): is required")
            }
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                if let property = properties[name] {
                    validate(member, against: property, at: "\(path).\(name)", into: &problems)
                } else if schema["additionalProperties"] == false {
                    problems.append("\(path).\(name): is not a known parameter")
                }
            }
        }
    }

    private static func matches(_ value: JSONValue, type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool),
            ("null", .null), ("number", .integer), ("number", .number), ("integer", .integer):
            true
        case ("integer", .number(let number)): number.rounded() == number
        default: false
        }
    }

    private static func sameValue(_ left: JSONValue, _ right: JSONValue) -> Bool {
        if let a = left.doubleValue, let b = right.doubleValue { return a == b }
        return left == right
    }
}

/// A tool's parameter schema that the validator cannot use.
public struct SchemaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What is wrong, with the path inside the schema.
    public var description: String

    init(_ description: String) { self.description = description }
}
