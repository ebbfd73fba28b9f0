public import Logging

/// Applies migrations in order, each in its own transaction, recording them in
/// `schema_migrations` inside the configured schema.
///
/// An advisory lock serialises instances that start at the same time; running it again is a
/// no-op.
public struct Migrator: Sendable {
    public let pool: PostgresPool
    public let migrations: [Migration]
    public let logger: Logger

    /// What the database holds compared with the files.
    public struct Status: Sendable, Equatable {
        public var applied: [Int]
        public var pending: [Int]

        public init(applied: [Int], pending: [Int]) {
            self.applied = applied
            self.pending = pending
        }
    }

    public init(pool: PostgresPool, migrations: [Migration], logger: Logger) {
        self.pool = pool
        self.migrations = migrations
        self.logger = logger
    }

    /// Applies what is pending and returns the versions applied now.
    @discardableResult
    public func migrate() async throws -> [Int] {
        let schema = pool.configuration.schema
        let migrations = migrations
        let logger = logger
        return try await pool.withConnection { connection in
            try Self.apply(migrations, schema: schema, on: connection, logger: logger)
        }
    }

    /// Applies pending migrations on one connection whose `search_path` starts with `schema`.
    @discardableResult
    public static func apply(
        _ migrations: [Migration], schema: String, on connection: PostgresConnection, logger: Logger
    ) throws -> [Int] {
        let quotedSchema = SQLQuery.quoteIdentifier(schema)
        try connection.execute(script: "CREATE SCHEMA IF NOT EXISTS \(quotedSchema)")
        try connection.execute(
            script: """
                CREATE TABLE IF NOT EXISTS \(quotedSchema).schema_migrations (
                    version integer PRIMARY KEY,
                    name text NOT NULL,
                    checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
        // Session-level lock: held across the per-migration transactions below.
        let lockKey = Int(lockKey(schema))
        try connection.query("SELECT pg_advisory_lock(\(lockKey))")
        defer { _ = try? connection.query("SELECT pg_advisory_unlock(\(lockKey))") }

        var appliedChecksums: [Int: String] = [:]
        for row in try connection.query("SELECT version, checksum FROM \(identifier: schema).schema_migrations") {
            appliedChecksums[try row.decode("version")] = try row.decode("checksum")
        }
        var appliedNow: [Int] = []
        for migration in migrations {
            if let checksum = appliedChecksums[migration.version] {
                if checksum != migration.checksum {
                    logger.warning(
                        "an applied migration file has changed since; it is not re-run",
                        metadata: ["migration": "\(migration.identifier)"])
                }
                continue
            }
            try connection.execute(script: "BEGIN")
            do {
                try connection.execute(script: "SET LOCAL search_path TO \(quotedSchema), public")
                try connection.execute(script: migration.sql)
                try connection.query(
                    """
                    INSERT INTO \(identifier: schema).schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """)
                try connection.execute(script: "COMMIT")
            } catch {
                try? connection.execute(script: "ROLLBACK")
                throw PostgresError(
                    .migrationFailed, "migration \(migration.identifier) failed: \(error)",
                    cause: error)
            }
            logger.info("applied migration", metadata: ["migration": "\(migration.identifier)"])
            appliedNow.append(migration.version)
        }
        return appliedNow
    }

    /// Which migrations are applied and which are pending.
    public func status() async throws -> Status {
        let versions = migrations.map(\.version)
        let schema = pool.configuration.schema
        let applied: Set<Int> = try await pool.withConnection { connection in
            let table = SQLQuery.quoteIdentifier(schema) + ".schema_migrations"
            let exists = try connection.query("SELECT to_regclass(\(table)) IS NOT NULL AS present")
            guard try exists.first?.decode("present", as: Bool.self) == true else { return [] }
            let rows = try connection.query("SELECT version FROM \(identifier: schema).schema_migrations")
            return Set(try rows.map { try $0.decode("version", as: Int.self) })
        }
        return Status(applied: versions.filter(applied.contains), pending: versions.filter { !applied.contains($0) })
    }

    /// A per-schema advisory lock key, so two schemas in one database migrate independently.
    static func lockKey(_ schema: String) -> Int64 {
        var hash: Int64 = 0x5061_706f  // "Papo"
        for byte in schema.utf8 { hash = (hash &* 31) &+ Int64(byte) }
        return hash
    }
}
