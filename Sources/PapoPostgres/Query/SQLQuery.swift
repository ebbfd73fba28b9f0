/// A SQL statement whose interpolated values are always sent as bound parameters.
///
/// ```swift
/// let query: SQLQuery = "SELECT name FROM tenants WHERE client_id = \(clientID) AND status = \(status)"
/// // SELECT name FROM tenants WHERE client_id = $1 AND status = $2
/// ```
/// There is no way to splice a value into the text; identifiers go through
/// ``StringInterpolation/appendInterpolation(identifier:)``, which quotes them.
public struct SQLQuery: Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public private(set) var sql: String
    public private(set) var binds: [PostgresBind]

    public init(stringLiteral value: String) {
        sql = value
        binds = []
    }

    public init(stringInterpolation: StringInterpolation) {
        sql = stringInterpolation.sql
        binds = stringInterpolation.binds
    }

    /// The SQL text only: bound values are never part of a description (they may be secrets).
    public var description: String { sql }

    public struct StringInterpolation: StringInterpolationProtocol {
        var sql = ""
        var binds: [PostgresBind] = []

        public init(literalCapacity: Int, interpolationCount: Int) {
            sql.reserveCapacity(literalCapacity + interpolationCount * 3)
            binds.reserveCapacity(interpolationCount)
        }

        public mutating func appendLiteral(_ literal: String) {
            sql += literal
        }

        /// Binds a value as the next `$n` parameter.
        public mutating func appendInterpolation(_ value: some PostgresEncodable) {
            binds.append(value.postgresBind)
            sql += "$\(binds.count)"
        }

        /// Binds an optional value; `nil` becomes SQL `NULL`.
        public mutating func appendInterpolation(_ value: (some PostgresEncodable)?) {
            binds.append(value?.postgresBind ?? .null)
            sql += "$\(binds.count)"
        }

        /// Appends a quoted identifier (a schema or table name from configuration).
        public mutating func appendInterpolation(identifier: String) {
            sql += SQLQuery.quoteIdentifier(identifier)
        }

        /// Appends another query, renumbering its parameters.
        public mutating func appendInterpolation(fragment: SQLQuery) {
            var text = ""
            var index = fragment.sql.startIndex
            let source = fragment.sql
            while index < source.endIndex {
                let character = source[index]
                if character == "$" {
                    var end = source.index(after: index)
                    while end < source.endIndex, source[end].isASCII, source[end].isNumber {
                        end = source.index(after: end)
                    }
                    if let number = Int(source[source.index(after: index)..<end]) {
                        text += "$\(number + binds.count)"
                        index = end
                        continue
                    }
                }
                text.append(character)
                index = source.index(after: index)
            }
            sql += text
            binds += fragment.binds
        }
    }

    /// Quotes an identifier for PostgreSQL, doubling embedded quotes.
    public static func quoteIdentifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
