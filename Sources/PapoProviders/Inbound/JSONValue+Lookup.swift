import PapoCore

/// Lenient reads of webhook and API payloads. Providers disagree on number-or-string fields
/// (Meta timestamps are strings, Evolution's numbers; coordinates come both ways), so these
/// accept both where PapoCore's accessors are strict.
extension JSONValue {
    /// A number, or a string holding one.
    var numericValue: Double? {
        if case .string(let text) = self { return Double(text) }
        return doubleValue
    }

    /// A string, or an integer written as one (ids and codes come both ways).
    var textValue: String? {
        switch self {
        case .string(let text): text
        case .integer(let value): String(value)
        default: nil
        }
    }

    /// A non-empty string (or integer) at `key`.
    func text(_ key: String) -> String? {
        guard let text = self[key]?.textValue, !text.isEmpty else { return nil }
        return text
    }

    /// An object built from pairs, leaving out `nil` values.
    static func compact(_ pairs: KeyValuePairs<String, JSONValue?>) -> JSONValue {
        var object: [String: JSONValue] = [:]
        for (key, value) in pairs {
            if let value { object[key] = value }
        }
        return .object(object)
    }
}
