import Foundation
public import Logging
import PapoCore
public import PapoPostgres
import PapoStore
public import ServiceLifecycle

/// Opens the database the configuration names — or starts the private local cluster — and
/// brings its schema up to date.
public struct DatabaseBootstrap: Sendable {
    public let pool: PostgresPool
    public let migrator: Migrator
    /// The local cluster, when this process started it (and so stops it at shutdown).
    public let startedCluster: LocalCluster?

    public static func open(
        _ configuration: PapoConfiguration, environment: [String: String], migrate: Bool = true, logger: Logger
    ) async throws -> DatabaseBootstrap {
        var connectionString = configuration.databaseURL
        var startedCluster: LocalCluster?
        if connectionString == nil {
            let directory = URL(fileURLWithPath: configuration.dataDirectory).appendingPathComponent("postgres")
            let cluster = LocalCluster(directory: directory, databaseName: "papo", logger: logger)
            if try cluster.start() { startedCluster = cluster }
            connectionString = cluster.connectionString
        }
        let postgres = try PostgresConfiguration(
            connectionString: connectionString!, schema: configuration.databaseSchema,
            maxConnections: configuration.databasePoolSize)
        let pool = PostgresPool(configuration: postgres, logger: logger)
        let migrations = try Migration.load(from: try ResourceLocator.migrationsDirectory(environment: environment))
        let migrator = Migrator(pool: pool, migrations: migrations, logger: logger)
        do {
            if migrate { try await migrator.migrate() }
        } catch {
            await pool.close()
            try? startedCluster?.stop()
            throw error
        }
        return DatabaseBootstrap(pool: pool, migrator: migrator, startedCluster: startedCluster)
    }

    /// Closes the pool and stops the cluster if this process started it.
    public func close() async {
        await pool.close()
        try? startedCluster?.stop()
    }
}

/// Stops the local cluster at graceful shutdown; listed first so it stops last.
public struct LocalClusterService: Service {
    let cluster: LocalCluster
    let logger: Logger

    public init(cluster: LocalCluster, logger: Logger) {
        self.cluster = cluster
        self.logger = logger
    }

    public func run() async throws {
        try? await gracefulShutdown()
        do {
            try cluster.stop()
        } catch {
            logger.error("stopping the local PostgreSQL cluster failed", metadata: ["error": "\(error)"])
        }
    }
}

/// Secrets generated for the embedded setup, kept in the data folder with owner-only access.
public enum EmbeddedSecrets {
    /// Reads `<data>/admin.key`, creating it with a fresh random key the first time.
    public static func adminKey(dataDirectory: String) throws -> (key: String, path: String) {
        try secret(file: "admin.key", dataDirectory: dataDirectory) { "papo_admin_" + SecretToken.random(length: 40) }
    }

    /// Reads `<data>/encryption.key` (a `PAPO_ENCRYPTION_KEY` value), creating it the first time.
    public static func encryptionKey(dataDirectory: String) throws -> (key: String, path: String) {
        try secret(file: "encryption.key", dataDirectory: dataDirectory) { "k1:" + SecretBox.generateKey() }
    }

    private static func secret(
        file: String, dataDirectory: String, generate: () -> String
    ) throws -> (key: String, path: String) {
        let path = URL(fileURLWithPath: dataDirectory).appendingPathComponent(file).path
        if let existing = try? String(contentsOfFile: path, encoding: .utf8).trimmingCharacters(
            in: .whitespacesAndNewlines),
            !existing.isEmpty
        {
            return (existing, path)
        }
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let value = generate()
        guard
            FileManager.default.createFile(
                atPath: path, contents: Data((value + "\n").utf8), attributes: [.posixPermissions: 0o600])
        else { throw ConfigurationError("cannot write \(path)") }
        return (value, path)
    }
}
