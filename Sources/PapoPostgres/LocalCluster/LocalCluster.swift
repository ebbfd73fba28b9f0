public import Foundation
public import Logging

/// A private PostgreSQL server for development and tests, run from the installed server
/// binaries in a data folder.
///
/// The first start runs `initdb`; later starts reuse the folder. It listens only on a unix
/// socket inside the folder (no TCP port to collide with). As root it runs the server as the
/// `postgres` system user, because PostgreSQL refuses to run as root.
public struct LocalCluster: Sendable {
    public let directory: URL
    public let databaseName: String
    /// Extra `-c name=value` server settings (tests turn durability off for speed).
    public let serverSettings: [String: String]
    let logger: Logger

    public init(
        directory: URL, databaseName: String = "papo", serverSettings: [String: String] = [:], logger: Logger
    ) {
        self.directory = directory.standardizedFileURL
        self.databaseName = databaseName
        self.serverSettings = serverSettings
        self.logger = logger
    }

    var dataDirectory: URL { directory.appendingPathComponent("pgdata") }

    /// Unix socket paths are limited to ~107 bytes; deep folders fall back to a short /tmp path.
    var socketDirectory: String {
        let preferred = directory.appendingPathComponent("socket").path
        if preferred.utf8.count < 80 { return preferred }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in directory.path.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "/tmp/papo-pg-" + String(hash, radix: 36)
    }

    /// The libpq connection string of the cluster's database.
    public var connectionString: String {
        "host=\(socketDirectory) port=5432 user=postgres dbname=\(databaseName)"
    }

    func maintenanceConnectionString() -> String {
        "host=\(socketDirectory) port=5432 user=postgres dbname=postgres"
    }

    /// Creates (first time) and starts the server unless it already runs, and creates the
    /// database. Returns whether this call started the server (and so should stop it).
    @discardableResult
    public func start() throws -> Bool {
        let binaries = try PostgresBinaries.locate()
        let runner = ProcessRunner(asPostgresUser: getuid() == 0, logger: logger)
        try prepareFolders(runner: runner)
        if !FileManager.default.fileExists(atPath: dataDirectory.appendingPathComponent("PG_VERSION").path) {
            logger.info("creating a local PostgreSQL cluster", metadata: ["path": "\(dataDirectory.path)"])
            try runner.run(
                binaries.path("initdb"),
                ["-D", dataDirectory.path, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--no-locale"],
                what: "initdb")
        }
        var startedHere = false
        if try !isRunning(binaries: binaries, runner: runner) {
            var options = "-k \(shellQuoted(socketDirectory)) -h '' -p 5432"
            for (name, value) in serverSettings.sorted(by: { $0.key < $1.key }) {
                options += " -c \(name)=\(shellQuoted(value))"
            }
            try runner.run(
                binaries.path("pg_ctl"),
                [
                    "-D", dataDirectory.path, "-l", dataDirectory.appendingPathComponent("server.log").path,
                    "-o", options, "-w", "-t", "60", "start",
                ],
                what: "pg_ctl start")
            startedHere = true
            logger.info("started the local PostgreSQL cluster", metadata: ["socket": "\(socketDirectory)"])
        } else {
            logger.info("reusing the running local PostgreSQL cluster", metadata: ["socket": "\(socketDirectory)"])
        }
        try createDatabase(databaseName)
        return startedHere
    }

    /// Stops the server (fast shutdown: open sessions are disconnected).
    public func stop() throws {
        let binaries = try PostgresBinaries.locate()
        let runner = ProcessRunner(asPostgresUser: getuid() == 0, logger: logger)
        guard try isRunning(binaries: binaries, runner: runner) else { return }
        try runner.run(
            binaries.path("pg_ctl"), ["-D", dataDirectory.path, "-m", "fast", "-w", "-t", "60", "stop"],
            what: "pg_ctl stop")
        logger.info("stopped the local PostgreSQL cluster")
    }

    /// Creates a database in the cluster if it does not exist yet.
    public func createDatabase(_ name: String) throws {
        let connection = try PostgresConnection(connectionString: maintenanceConnectionString(), schema: nil)
        defer { connection.close() }
        let exists = try connection.query("SELECT 1 FROM pg_database WHERE datname = \(name)")
        if exists.isEmpty {
            try connection.execute(script: "CREATE DATABASE \(SQLQuery.quoteIdentifier(name))")
        }
    }

    private func isRunning(binaries: PostgresBinaries, runner: ProcessRunner) throws -> Bool {
        // pg_ctl status exits 0 when a server runs on the folder, 3 when none does.
        let status = try runner.status(binaries.path("pg_ctl"), ["-D", dataDirectory.path, "status"])
        return status == 0
    }

    private func prepareFolders(runner: ProcessRunner) throws {
        let manager = FileManager.default
        do {
            try manager.createDirectory(at: directory, withIntermediateDirectories: true)
            try manager.createDirectory(at: dataDirectory, withIntermediateDirectories: true)
            try manager.createDirectory(atPath: socketDirectory, withIntermediateDirectories: true)
            try manager.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dataDirectory.path)
        } catch {
            throw PostgresError(.clusterFailed, "cannot create \(directory.path): \(error)")
        }
        if runner.asPostgresUser {
            try runner.giveToPostgresUser([dataDirectory.path, socketDirectory])
        }
    }

    private func shellQuoted(_ text: String) -> String {
        "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
