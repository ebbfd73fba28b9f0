/// The rows a statement returned, copied out of libpq so they can cross threads freely.
public struct PostgresResult: Sendable, RandomAccessCollection {
    public let columns: PostgresColumns
    public let rows: [PostgresRow]
    /// Rows inserted, updated or deleted, from the command tag (0 for other statements).
    public let affectedRows: Int

    public init(columns: PostgresColumns, rows: [PostgresRow], affectedRows: Int) {
        self.columns = columns
        self.rows = rows
        self.affectedRows = affectedRows
    }

    public var startIndex: Int { rows.startIndex }
    public var endIndex: Int { rows.endIndex }
    public subscript(position: Int) -> PostgresRow { rows[position] }

    /// The single row, or `nil` when there is none.
    public var first: PostgresRow? { rows.first }
}

/// Column names of a result, shared by all of its rows.
public final class PostgresColumns: Sendable {
    public let names: [String]
    private let indexByName: [String: Int]

    public init(names: [String]) {
        self.names = names
        var index: [String: Int] = [:]
        for (offset, name) in names.enumerated() where index[name] == nil {
            index[name] = offset
        }
        indexByName = index
    }

    func index(of name: String) -> Int? { indexByName[name] }
}

/// One row: its values in text form, decoded on demand into Swift types.
public struct PostgresRow: Sendable {
    public let columns: PostgresColumns
    public let values: [String?]

    public init(columns: PostgresColumns, values: [String?]) {
        self.columns = columns
        self.values = values
    }

    /// The columns at `positions` as a row of their own: how a statement that joins several
    /// tables (whose column names repeat) hands each table's part to that table's decoder.
    public func columns(_ positions: Range<Int>) -> PostgresRow {
        PostgresRow(columns: PostgresColumns(names: Array(columns.names[positions])), values: Array(values[positions]))
    }

    /// Decodes a non-null column; a NULL or an unreadable value throws naming the column.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        let text = try rawValue(column)
        guard let text else {
            throw PostgresError(.decodingFailed, "column \(column) is NULL, expected \(T.self)")
        }
        guard let value = T.decode(postgresText: text) else {
            throw PostgresError(.decodingFailed, "column \(column) cannot be read as \(T.self)")
        }
        return value
    }

    /// Decodes a nullable column.
    public func decode<T: PostgresDecodable>(_ column: String, as type: T?.Type = T?.self) throws -> T? {
        guard let text = try rawValue(column) else { return nil }
        guard let value = T.decode(postgresText: text) else {
            throw PostgresError(.decodingFailed, "column \(column) cannot be read as \(T.self)")
        }
        return value
    }

    /// Decodes a `jsonb` column into a Codable type.
    public func decodeJSON<T: Codable & Sendable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try decode(column, as: PostgresJSON<T>.self).value
    }

    private func rawValue(_ column: String) throws -> String? {
        guard let index = columns.index(of: column) else {
            throw PostgresError(
                .decodingFailed, "no column \(column) in the result (\(columns.names.joined(separator: ", ")))")
        }
        return values[index]
    }
}
