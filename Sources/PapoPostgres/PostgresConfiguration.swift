/// How to reach PostgreSQL and how many connections to keep.
public struct PostgresConfiguration: Sendable {
    /// A libpq connection string (`host=… dbname=…`) or URL (`postgres://user:pw@host/db?sslmode=require`).
    public var connectionString: String
    /// The schema holding Papo's tables; created by the migrator and put first on `search_path`.
    public var schema: String
    /// The most connections open at once (and threads running their calls).
    public var maxConnections: Int
    /// How long a caller waits for a free connection before failing with `poolTimeout`.
    public var acquireTimeout: Duration

    public init(
        connectionString: String, schema: String = "whatsapp_service", maxConnections: Int = 10,
        acquireTimeout: Duration = .seconds(10)
    ) throws {
        guard Self.isValidSchemaName(schema) else {
            throw PostgresError(
                .invalidConfiguration,
                "schema name '\(schema)' must be lowercase letters, digits and underscores, starting with a letter")
        }
        guard maxConnections > 0 else {
            throw PostgresError(.invalidConfiguration, "the pool needs at least one connection")
        }
        self.connectionString = connectionString
        self.schema = schema
        self.maxConnections = maxConnections
        self.acquireTimeout = acquireTimeout
    }

    /// Schema names are restricted so they read the same quoted or not and in every tool.
    public static func isValidSchemaName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, ("a"..."z").contains(first), name.count <= 63 else {
            return false
        }
        return name.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }
}
