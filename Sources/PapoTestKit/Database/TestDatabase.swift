public import Foundation
public import Logging
public import PapoPostgres
import Synchronization

/// Real PostgreSQL for tests: one local cluster per test process, a fresh database per suite.
///
/// The cluster lives in a temporary folder and is stopped and removed when the process exits.
/// Databases are cloned from a template that already has every migration applied, so a suite
/// starts in milliseconds. `PAPO_TEST_DATABASE_URL` (a libpq key=value string pointing at a
/// server and a maintenance database) uses an existing server instead.
public enum TestDatabase {
    /// The repository's migrations folder.
    public static let migrationsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("schemas/migrations")

    public static let logger: Logger = {
        var logger = Logger(label: "papo.test")
        logger.logLevel =
            ProcessInfo.processInfo.environment["PAPO_TEST_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .warning
        return logger
    }()

    /// A fresh, migrated database (in schema `whatsapp_service`) and its connection string.
    public static func create(migrated: Bool = true) throws -> String {
        let server = try sharedServer.get()
        let name = "papo_t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        let maintenance = try PostgresConnection(connectionString: server.maintenance, schema: nil)
        defer { maintenance.close() }
        let template = migrated ? " TEMPLATE \(server.template)" : ""
        try maintenance.execute(script: "CREATE DATABASE \(SQLQuery.quoteIdentifier(name))\(template)")
        return server.connectionString(database: name)
    }

    /// A pool on a fresh migrated database.
    public static func makePool(maxConnections: Int = 8, acquireTimeout: Duration = .seconds(10)) throws -> PostgresPool
    {
        let configuration = try PostgresConfiguration(
            connectionString: try create(), maxConnections: maxConnections, acquireTimeout: acquireTimeout)
        return PostgresPool(configuration: configuration, logger: logger)
    }

    struct Server: Sendable {
        var maintenance: String
        var base: String
        var template: String

        func connectionString(database: String) -> String { base + " dbname=\(database)" }
    }

    static let sharedServer: Result<Server, any Error> = Result {
        let environment = ProcessInfo.processInfo.environment
        let server: Server
        if let url = environment["PAPO_TEST_DATABASE_URL"], !url.isEmpty {
            server = Server(maintenance: url, base: url, template: "papo_test_template")
        } else {
            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("papo-test-cluster-\(getpid())")
            let cluster = LocalCluster(
                directory: directory, databaseName: "postgres",
                serverSettings: [
                    "fsync": "off", "synchronous_commit": "off", "full_page_writes": "off",
                    "max_connections": "400",
                ],
                logger: logger)
            try cluster.start()
            ClusterCleanup.register(cluster)
            let base = cluster.connectionString.replacingOccurrences(of: " dbname=postgres", with: "")
            server = Server(maintenance: cluster.connectionString, base: base, template: "papo_test_template")
        }
        try prepareTemplate(server)
        return server
    }

    /// Creates the template database afresh and applies every migration to it.
    private static func prepareTemplate(_ server: Server) throws {
        let maintenance = try PostgresConnection(connectionString: server.maintenance, schema: nil)
        defer { maintenance.close() }
        try maintenance.execute(script: "DROP DATABASE IF EXISTS \(server.template)")
        try maintenance.execute(script: "CREATE DATABASE \(server.template)")
        let migrations = try Migration.load(from: migrationsDirectory)
        let connection = try PostgresConnection(
            connectionString: server.connectionString(database: server.template), schema: "whatsapp_service")
        defer { connection.close() }
        try Migrator.apply(migrations, schema: "whatsapp_service", on: connection, logger: logger)
    }
}

/// Stops and removes the per-process test cluster at exit.
enum ClusterCleanup {
    private static let cluster = Mutex<LocalCluster?>(nil)

    static func register(_ value: LocalCluster) {
        cluster.withLock { $0 = value }
        atexit {
            if let cluster = ClusterCleanup.cluster.withLock({ $0 }) {
                try? cluster.stop()
                try? FileManager.default.removeItem(at: cluster.directory)
            }
        }
    }
}
