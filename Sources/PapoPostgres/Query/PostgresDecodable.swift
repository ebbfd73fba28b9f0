public import struct Foundation.Data
public import struct Foundation.Date
public import struct Foundation.Decimal
public import class Foundation.JSONDecoder
public import struct Foundation.UUID

/// A Swift type that can be read from a column in PostgreSQL's text result format.
public protocol PostgresDecodable: Sendable {
    /// Reads the value from the column's text, or returns `nil` when the text does not fit.
    static func decode(postgresText text: String) -> Self?
}

extension String: PostgresDecodable {
    public static func decode(postgresText text: String) -> String? { text }
}

extension Int: PostgresDecodable {
    public static func decode(postgresText text: String) -> Int? { Int(text) }
}

extension Int64: PostgresDecodable {
    public static func decode(postgresText text: String) -> Int64? { Int64(text) }
}

extension Int32: PostgresDecodable {
    public static func decode(postgresText text: String) -> Int32? { Int32(text) }
}

extension Bool: PostgresDecodable {
    public static func decode(postgresText text: String) -> Bool? {
        switch text {
        case "t", "true": true
        case "f", "false": false
        default: nil
        }
    }
}

extension Double: PostgresDecodable {
    public static func decode(postgresText text: String) -> Double? {
        switch text {
        case "NaN": .nan
        case "Infinity": .infinity
        case "-Infinity": -.infinity
        default: Double(text)
        }
    }
}

extension Decimal: PostgresDecodable {
    public static func decode(postgresText text: String) -> Decimal? { Decimal(string: text) }
}

extension UUID: PostgresDecodable {
    public static func decode(postgresText text: String) -> UUID? { UUID(uuidString: text) }
}

extension Date: PostgresDecodable {
    public static func decode(postgresText text: String) -> Date? { PostgresTimestamp.parse(text) }
}

extension Data: PostgresDecodable {
    /// Reads bytea's hex output form (`\x0a1b…`), the server default since 9.0.
    public static func decode(postgresText text: String) -> Data? {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes[0] == UInt8(ascii: "\\"), bytes[1] == UInt8(ascii: "x"),
            bytes.count % 2 == 0
        else { return nil }
        func nibble(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 48...57: byte - 48
            case 97...102: byte - 87
            case 65...70: byte - 55
            default: nil
            }
        }
        var data = Data(capacity: (bytes.count - 2) / 2)
        var index = 2
        while index < bytes.count {
            guard let high = nibble(bytes[index]), let low = nibble(bytes[index + 1]) else { return nil }
            data.append(high << 4 | low)
            index += 2
        }
        return data
    }
}

extension Array: PostgresDecodable where Element: PostgresDecodable {
    /// Reads a one-dimensional array literal (`{a,"b c",NULL}`); NULL elements are not allowed.
    public static func decode(postgresText text: String) -> [Element]? {
        guard let items = PostgresArrayLiteral.parse(text) else { return nil }
        var result: [Element] = []
        result.reserveCapacity(items.count)
        for item in items {
            guard let item, let element = Element.decode(postgresText: item) else { return nil }
            result.append(element)
        }
        return result
    }
}

extension PostgresJSON: PostgresDecodable {
    public static func decode(postgresText text: String) -> PostgresJSON<Value>? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        guard let value = try? decoder.decode(Value.self, from: Data(text.utf8)) else { return nil }
        return PostgresJSON(value)
    }
}

enum PostgresArrayLiteral {
    /// Splits a one-dimensional array literal into its elements; `nil` entries are SQL NULLs.
    static func parse(_ text: String) -> [String?]? {
        var characters = Array(text)
        guard characters.first == "{", characters.last == "}" else { return nil }
        characters = Array(characters.dropFirst().dropLast())
        if characters.isEmpty { return [] }
        var items: [String?] = []
        var current = ""
        var quoted = false
        var wasQuoted = false
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if quoted {
                if character == "\\", index + 1 < characters.count {
                    index += 1
                    current.append(characters[index])
                } else if character == "\"" {
                    quoted = false
                } else {
                    current.append(character)
                }
            } else if character == "\"" {
                quoted = true
                wasQuoted = true
            } else if character == "," {
                items.append(!wasQuoted && current == "NULL" ? nil : current)
                current = ""
                wasQuoted = false
            } else {
                current.append(character)
            }
            index += 1
        }
        items.append(!wasQuoted && current == "NULL" ? nil : current)
        return items
    }
}
