/// A free-form YAML/JSON value, for configuration blocks whose shape is not
/// known to the decoding type (for example plugin settings passed on as JSON).
///
/// Used as a field type it decodes through the ordinary `Decodable` path from
/// `YAMLDecoder` (with core-schema resolution, so a quoted `"8080"` stays a
/// string and a plain `no` stays a string) as well as from other decoders such
/// as `JSONDecoder`. Keys inside a `YAMLValue` are never reported as unknown.
public enum YAMLValue: Sendable, Hashable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([YAMLValue])
    case object(YAMLObject)
}

extension YAMLValue {
    /// Parses a single-document YAML text into a value.
    public init(yaml text: String, file: String = "<input>") throws {
        try self.init(node: YAMLParser.parse(text, file: file), file: file)
    }

    /// Converts a parsed node using core-schema resolution for plain scalars.
    /// Integers beyond `Int` become doubles; mapping keys must be scalars.
    public init(node: YAMLNode, file: String = "<input>") throws {
        try self.init(node: node, file: file, path: [])
    }

    init(node: YAMLNode, file: String, path: [YAMLPath.Component]) throws {
        switch node.content {
        case .scalar(let text, let style):
            self = Self.resolve(text, category: ScalarResolver.category(tag: node.tag, style: style))
        case .sequence(let items):
            self = .array(
                try items.enumerated().map { index, item in
                    try YAMLValue(node: item, file: file, path: path + [.index(index)])
                })
        case .mapping(let pairs):
            var object = YAMLObject()
            for (key, value) in pairs {
                guard let name = key.scalar else {
                    throw YAMLError(
                        .typeMismatch, file: file, at: key.mark, path: YAMLPath.render(path),
                        "mapping keys must be scalars, found \(key.summary)")
                }
                object[name] = try YAMLValue(node: value, file: file, path: path + [.key(name)])
            }
            self = .object(object)
        }
    }

    private static func resolve(_ text: String, category: ScalarResolver.Category) -> YAMLValue {
        switch category {
        case .string:
            return .string(text)
        case .null:
            return .null
        case .bool:
            return ScalarResolver.bool(text, legacy: true).map(YAMLValue.bool) ?? .string(text)
        case .untyped, .int, .float:
            if category == .untyped, ScalarResolver.isNull(text) { return .null }
            if category == .untyped, let bool = ScalarResolver.bool(text, legacy: false) { return .bool(bool) }
            if category != .float, let int = integer(text) { return .int(int) }
            if let double = ScalarResolver.float(text) { return .double(double) }
            return .string(text)
        }
    }

    private static func acceptAllKeys(in node: YAMLNode, state: DecodingState) {
        switch node.content {
        case .scalar:
            break
        case .sequence(let items):
            for item in items { acceptAllKeys(in: item, state: state) }
        case .mapping(let pairs):
            state.useAll(of: node)
            for pair in pairs { acceptAllKeys(in: pair.value, state: state) }
        }
    }

    /// The literal as an `Int`, or `nil` when it is not an integer or does not fit.
    private static func integer(_ text: String) -> Int? {
        guard case .value(let negative, let magnitude)? = ScalarResolver.integer(text) else { return nil }
        guard negative else { return Int(exactly: magnitude) }
        guard magnitude == 0 || magnitude - 1 <= UInt64(Int.max) else { return nil }
        return Int(truncatingIfNeeded: 0 &- magnitude)
    }
}

extension YAMLValue: Codable {
    /// Decodes from any decoder. `YAMLDecoder` converts the node directly; other
    /// decoders are probed as object, array, null, bool, int, double, then string.
    public init(from decoder: any Decoder) throws {
        if let decoder = decoder as? NodeDecoder {
            self = try YAMLValue(
                node: decoder.node, file: decoder.state.file,
                path: YAMLPath.components(decoder.codingPath))
            // A free-form value consumes every key below it. This also covers a
            // `try? SomeStruct(from: decoder)` attempt that registered the same
            // mappings and failed before the caller fell back to `YAMLValue`.
            Self.acceptAllKeys(in: decoder.node, state: decoder.state)
            return
        }
        if let keyed = try? decoder.container(keyedBy: AnyKey.self) {
            var object = YAMLObject()
            for key in keyed.allKeys {
                object[key.stringValue] = try keyed.decode(YAMLValue.self, forKey: key)
            }
            self = .object(object)
        } else if var unkeyed = try? decoder.unkeyedContainer() {
            var array: [YAMLValue] = []
            while !unkeyed.isAtEnd { array.append(try unkeyed.decode(YAMLValue.self)) }
            self = .array(array)
        } else {
            let single = try decoder.singleValueContainer()
            if single.decodeNil() {
                self = .null
            } else if let bool = try? single.decode(Bool.self) {
                self = .bool(bool)
            } else if let int = try? single.decode(Int.self) {
                self = .int(int)
            } else if let double = try? single.decode(Double.self) {
                self = .double(double)
            } else {
                self = .string(try single.decode(String.self))
            }
        }
    }

    /// Encodes as the natural JSON shape; object keys keep their order.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .null:
            var single = encoder.singleValueContainer()
            try single.encodeNil()
        case .bool(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .int(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .double(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .string(let value):
            var single = encoder.singleValueContainer()
            try single.encode(value)
        case .array(let items):
            var unkeyed = encoder.unkeyedContainer()
            for item in items { try unkeyed.encode(item) }
        case .object(let object):
            var keyed = encoder.container(keyedBy: AnyKey.self)
            for (key, value) in object { try keyed.encode(value, forKey: AnyKey(key)) }
        }
    }
}
