/// Typed read access, so callers can inspect free-form values without a switch.
extension YAMLValue {
    /// Whether the value is `.null`.
    public var isNull: Bool { self == .null }

    /// The boolean, if this is `.bool`.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The integer, if this is `.int`.
    public var intValue: Int? {
        if case .int(let value) = self { return value }
        return nil
    }

    /// The number as a `Double`, if this is `.double` or `.int`.
    public var doubleValue: Double? {
        switch self {
        case .double(let value): return value
        case .int(let value): return Double(value)
        default: return nil
        }
    }

    /// The string, if this is `.string`.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The items, if this is `.array`.
    public var arrayValue: [YAMLValue]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The members, if this is `.object`.
    public var objectValue: YAMLObject? {
        if case .object(let value) = self { return value }
        return nil
    }

    /// The member for `key` of an object; `nil` for other values or absent keys.
    public subscript(key: String) -> YAMLValue? {
        objectValue?[key]
    }

    /// The item at `index` of an array; `nil` for other values or out-of-range indices.
    public subscript(index: Int) -> YAMLValue? {
        guard let items = arrayValue, items.indices.contains(index) else { return nil }
        return items[index]
    }
}

// Literal conformances keep test fixtures and defaults in code readable.

extension YAMLValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}

extension YAMLValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension YAMLValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int) { self = .int(value) }
}

extension YAMLValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension YAMLValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .string(value) }
}

extension YAMLValue: ExpressibleByArrayLiteral {
    public init(arrayLiteral elements: YAMLValue...) { self = .array(elements) }
}

extension YAMLValue: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, YAMLValue)...) {
        self = .object(YAMLObject(elements))
    }
}
