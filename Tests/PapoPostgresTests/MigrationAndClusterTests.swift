import Foundation
import PapoPostgres
import PapoTestKit
import Testing

@Suite("Migrations and the local cluster")
struct MigrationAndClusterTests {
    @Test("migrations apply in order once; running again is a no-op")
    func migrationsAreIdempotent() async throws {
        let connectionString = try TestDatabase.create(migrated: false)
        let configuration = try PostgresConfiguration(connectionString: connectionString, schema: "papo_custom")
        let pool = PostgresPool(configuration: configuration, logger: TestDatabase.logger)
        let migrations = try Migration.load(from: TestDatabase.migrationsDirectory)
        #expect(!migrations.isEmpty)
        #expect(migrations.map(\.version) == migrations.map(\.version).sorted())
        let migrator = Migrator(pool: pool, migrations: migrations, logger: TestDatabase.logger)

        #expect(try await migrator.status().pending == migrations.map(\.version))
        #expect(try await migrator.migrate() == migrations.map(\.version))
        #expect(try await migrator.migrate() == [])
        let status = try await migrator.status()
        #expect(status.pending.isEmpty)
        #expect(status.applied == migrations.map(\.version))

        // Tables went into the configured schema, and it is first on the search path.
        let rows = try await pool.query(
            "SELECT count(*) AS n FROM information_schema.tables WHERE table_schema = 'papo_custom' AND table_name IN ('tenants', 'messages', 'api_keys')"
        )
        #expect(try rows.first?.decode("n", as: Int.self) == 3)
        let recorded = try await pool.query("SELECT count(*) AS n FROM schema_migrations")
        #expect(try recorded.first?.decode("n", as: Int.self) == migrations.count)
        await pool.close()
    }

    @Test("a failing migration leaves nothing half-applied and names itself")
    func failingMigrationRollsBack() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("papo-mig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "CREATE TABLE first_table (id int);".write(
            to: folder.appendingPathComponent("0001_first.sql"), atomically: true, encoding: .utf8)
        try "CREATE TABLE second_table (id int); SELECT no_such_function();".write(
            to: folder.appendingPathComponent("0002_broken.sql"), atomically: true, encoding: .utf8)

        let configuration = try PostgresConfiguration(connectionString: try TestDatabase.create(migrated: false))
        let pool = PostgresPool(configuration: configuration, logger: TestDatabase.logger)
        let migrator = Migrator(pool: pool, migrations: try Migration.load(from: folder), logger: TestDatabase.logger)
        do {
            try await migrator.migrate()
            Issue.record("the broken migration was applied")
        } catch let error as PostgresError {
            #expect(error.code == .migrationFailed)
            #expect(error.message.contains("0002_broken"))
        }
        #expect(try await migrator.status() == Migrator.Status(applied: [1], pending: [2]))
        let second = try await pool.query("SELECT to_regclass('second_table') IS NULL AS absent")
        #expect(try second.first?.decode("absent", as: Bool.self) == true)
        await pool.close()
    }

    @Test("misnamed migration files are rejected rather than skipped")
    func misnamedMigration() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("papo-mig-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "SELECT 1;".write(to: folder.appendingPathComponent("2_oops.sql"), atomically: true, encoding: .utf8)
        #expect(throws: PostgresError.self) { try Migration.load(from: folder) }
    }

    @Test("the local cluster initialises once, is reused while running, and restarts from its folder")
    func localClusterStartAndReuse() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "papo-lc-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: folder) }
        let cluster = LocalCluster(directory: folder, databaseName: "papo", logger: TestDatabase.logger)
        #expect(try cluster.start() == true)
        #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent("pgdata/PG_VERSION").path))

        let first = try PostgresConnection(connectionString: cluster.connectionString, schema: nil)
        try first.query("CREATE TABLE survives (note text)")
        try first.query("INSERT INTO survives VALUES (\("still here"))")
        first.close()

        // A second start while it runs reuses the server instead of starting another.
        #expect(try cluster.start() == false)
        try cluster.stop()
        // Starting again after a stop reuses the data folder: no initdb, data kept.
        #expect(try cluster.start() == true)
        let second = try PostgresConnection(connectionString: cluster.connectionString, schema: nil)
        let rows = try second.query("SELECT note FROM survives")
        #expect(try rows.first?.decode("note", as: String.self) == "still here")
        second.close()
        try cluster.stop()
    }
}
