public import struct Foundation.Data
public import struct Foundation.Date
public import struct Foundation.Decimal
public import class Foundation.JSONEncoder
public import struct Foundation.UUID

/// One bound parameter in PostgreSQL's text format, with the type the server should read it as.
public struct PostgresBind: Sendable, Hashable {
    /// The parameter's type OID; 0 lets the server infer it from context (used for text, so a
    /// string can fill a `uuid`, `text` or enum-like column alike).
    public var oid: UInt32
    /// The text representation, or `nil` for SQL `NULL`.
    public var text: String?

    public init(oid: UInt32, text: String?) {
        self.oid = oid
        self.text = text
    }

    public static let null = PostgresBind(oid: 0, text: nil)
}

/// A Swift value that can be sent as a query parameter.
public protocol PostgresEncodable: Sendable {
    var postgresBind: PostgresBind { get }
}

/// Type OIDs from PostgreSQL's `pg_type` catalogue.
enum PostgresOID {
    static let unknown: UInt32 = 0
    static let bool: UInt32 = 16
    static let bytea: UInt32 = 17
    static let int8: UInt32 = 20
    static let int4: UInt32 = 23
    static let float8: UInt32 = 701
    static let textArray: UInt32 = 1009
    static let timestamptz: UInt32 = 1184
    static let numeric: UInt32 = 1700
    static let uuid: UInt32 = 2950
    static let jsonb: UInt32 = 3802
}

extension String: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(oid: PostgresOID.unknown, text: self) }
}

extension Substring: PostgresEncodable {
    public var postgresBind: PostgresBind { String(self).postgresBind }
}

extension Int: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(oid: PostgresOID.int8, text: String(self)) }
}

extension Int64: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(oid: PostgresOID.int8, text: String(self)) }
}

extension Int32: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(oid: PostgresOID.int4, text: String(self)) }
}

extension Bool: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(oid: PostgresOID.bool, text: self ? "t" : "f") }
}

extension Double: PostgresEncodable {
    public var postgresBind: PostgresBind {
        let text: String =
            if isNaN { "NaN" } else if self == .infinity { "Infinity" } else if self == -.infinity {
                "-Infinity"
            } else { String(self) }
        return PostgresBind(oid: PostgresOID.float8, text: text)
    }
}

extension Decimal: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(oid: PostgresOID.numeric, text: "\(self)") }
}

extension UUID: PostgresEncodable {
    public var postgresBind: PostgresBind { PostgresBind(oid: PostgresOID.uuid, text: uuidString) }
}

extension Date: PostgresEncodable {
    public var postgresBind: PostgresBind {
        PostgresBind(oid: PostgresOID.timestamptz, text: PostgresTimestamp.format(self))
    }
}

extension Data: PostgresEncodable {
    /// Sent in bytea's hex form (`\x0a1b…`).
    public var postgresBind: PostgresBind {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text = [UInt8](repeating: 0, count: 2 + count * 2)
        text[0] = UInt8(ascii: "\\")
        text[1] = UInt8(ascii: "x")
        for (offset, byte) in enumerated() {
            text[2 + offset * 2] = digits[Int(byte >> 4)]
            text[3 + offset * 2] = digits[Int(byte & 0x0f)]
        }
        return PostgresBind(oid: PostgresOID.bytea, text: String(decoding: text, as: UTF8.self))
    }
}

extension Array: PostgresEncodable where Element == String {
    /// A one-dimensional `text[]` literal with every element quoted.
    public var postgresBind: PostgresBind {
        let elements = map { element in
            var quoted = "\""
            for character in element {
                if character == "\"" || character == "\\" { quoted.append("\\") }
                quoted.append(character)
            }
            return quoted + "\""
        }
        return PostgresBind(oid: PostgresOID.textArray, text: "{" + elements.joined(separator: ",") + "}")
    }
}

/// A Codable value stored in a `jsonb` column.
public struct PostgresJSON<Value: Codable & Sendable>: PostgresEncodable, Sendable {
    public var value: Value

    public init(_ value: Value) {
        self.value = value
    }

    public var postgresBind: PostgresBind {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        // Encoding a Codable model into JSON cannot fail for the value types we store; a failure
        // here is a programming error, surfaced by the server rejecting the empty document.
        let data = (try? encoder.encode(value)) ?? Data()
        return PostgresBind(oid: PostgresOID.jsonb, text: String(decoding: data, as: UTF8.self))
    }
}
