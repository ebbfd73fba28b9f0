/// One argument of a tool, written explicitly; the manifest's JSON Schema is built from these.
///
/// ```swift
/// parameters: [
///     .string("city", "Cidade, por exemplo São Paulo", required: true),
///     .string("purpose", "rent (aluguel) ou sale (venda)", oneOf: ["rent", "sale"]),
///     .integer("bedrooms", "Quartos no mínimo", minimum: 0, maximum: 10),
/// ]
/// ```
/// Keep the names equal to the `CodingKeys` of the arguments type the tool decodes.
public struct Parameter: Sendable {
    /// The argument's name in the arguments object.
    public var name: String
    /// Whether the model must always send it.
    public var required: Bool
    /// The argument's own JSON Schema.
    public var schema: SchemaJSON

    /// A text argument, optionally limited to `oneOf` values and a length range.
    public static func string(
        _ name: String, _ description: String, required: Bool = false, oneOf values: [String]? = nil,
        minLength: Int? = nil, maxLength: Int? = nil
    ) -> Parameter {
        var schema: [String: SchemaJSON] = ["type": "string", "description": .string(description)]
        if let values { schema["enum"] = .array(values.map(SchemaJSON.string)) }
        if let minLength { schema["minLength"] = .integer(minLength) }
        if let maxLength { schema["maxLength"] = .integer(maxLength) }
        return Parameter(name: name, required: required, schema: .object(schema))
    }

    /// A whole-number argument.
    public static func integer(
        _ name: String, _ description: String, required: Bool = false, minimum: Int? = nil, maximum: Int? = nil
    ) -> Parameter {
        var schema: [String: SchemaJSON] = ["type": "integer", "description": .string(description)]
        if let minimum { schema["minimum"] = .integer(minimum) }
        if let maximum { schema["maximum"] = .integer(maximum) }
        return Parameter(name: name, required: required, schema: .object(schema))
    }

    /// A number argument.
    public static func number(
        _ name: String, _ description: String, required: Bool = false, minimum: Double? = nil,
        maximum: Double? = nil
    ) -> Parameter {
        var schema: [String: SchemaJSON] = ["type": "number", "description": .string(description)]
        if let minimum { schema["minimum"] = .number(minimum) }
        if let maximum { schema["maximum"] = .number(maximum) }
        return Parameter(name: name, required: required, schema: .object(schema))
    }

    /// A yes/no argument.
    public static func boolean(_ name: String, _ description: String, required: Bool = false) -> Parameter {
        Parameter(name: name, required: required, schema: ["type": "boolean", "description": .string(description)])
    }

    /// A list argument whose elements follow `items` (for example `["type": "string"]`).
    public static func array(
        _ name: String, _ description: String, items: SchemaJSON, required: Bool = false
    ) -> Parameter {
        Parameter(
            name: name, required: required,
            schema: ["type": "array", "description": .string(description), "items": items])
    }

    /// The object schema for a list of parameters: unknown arguments are refused.
    static func objectSchema(_ parameters: [Parameter]) -> SchemaJSON {
        .object([
            "type": "object",
            "properties": .object(Dictionary(parameters.map { ($0.name, $0.schema) }, uniquingKeysWith: { $1 })),
            "required": .array(parameters.filter(\.required).map { .string($0.name) }),
            "additionalProperties": false,
        ])
    }
}

/// A JSON value for building manifests and schemas (PluginKit avoids engine types on purpose).
public indirect enum SchemaJSON: Sendable, Encodable, ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByDictionaryLiteral
{
    case string(String)
    case integer(Int)
    case number(Double)
    case bool(Bool)
    case array([SchemaJSON])
    case object([String: SchemaJSON])

    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(dictionaryLiteral elements: (String, SchemaJSON)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { $1 }))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .integer(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        case .array(let value): try container.encode(value)
        case .object(let value): try container.encode(value)
        }
    }
}
