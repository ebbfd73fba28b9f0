import Foundation
import PapoPostgres
import PapoTestKit
import Testing

@Suite("PostgreSQL pipelines and transactions")
struct PipelineTests {
    let pool: PostgresPool

    init() throws {
        pool = try TestDatabase.makePool(maxConnections: 2, acquireTimeout: .seconds(20))
    }

    @Test("a pipeline returns every result in order, and later statements see earlier ones")
    func resultsInOrder() async throws {
        try await pool.query("CREATE TABLE pipeline_probe (id int PRIMARY KEY, note text)")
        let results = try await pool.withConnection { connection in
            try connection.pipeline([
                "INSERT INTO pipeline_probe VALUES (\(1), \("one")) RETURNING id",
                "INSERT INTO pipeline_probe VALUES (\(2), \("two"))",
                "SELECT note FROM pipeline_probe ORDER BY id",
                "SELECT \(41)::int + 1 AS answer",
            ])
        }
        #expect(results.count == 4)
        #expect(try results[0].first?.decode("id", as: Int.self) == 1)
        #expect(results[1].affectedRows == 1)
        #expect(try results[2].map { try $0.decode("note", as: String.self) } == ["one", "two"])
        #expect(try results[3].first?.decode("answer", as: Int.self) == 42)
    }

    @Test("a failing statement fails the whole pipeline: nothing before it stays, and the connection still works")
    func failureUndoesAll() async throws {
        try await pool.query("CREATE TABLE pipeline_undo (id int PRIMARY KEY)")
        let error = await #expect(throws: PostgresError.self) {
            try await pool.withConnection { connection in
                try connection.pipeline([
                    "INSERT INTO pipeline_undo VALUES (\(1))",
                    "INSERT INTO pipeline_undo VALUES (\(1))",
                    "INSERT INTO pipeline_undo VALUES (\(2))",
                ])
            }
        }
        #expect(error?.isUniqueViolation == true)
        // Both connections of the pool still answer, and nothing was stored.
        for _ in 0..<4 {
            let count = try await pool.query("SELECT count(*)::int8 AS n FROM pipeline_undo")
            #expect(try count.first?.decode("n", as: Int.self) == 0)
        }
    }

    @Test("BEGIN travels with a transaction's first statement: one transaction, rolled back on error, none when empty")
    func deferredBegin() async throws {
        try await pool.query("CREATE TABLE begin_probe (id int PRIMARY KEY, at timestamptz)")
        // now() is the transaction's start: every statement of one transaction sees the same.
        let times = try await pool.withTransaction { connection in
            try connection.query("INSERT INTO begin_probe VALUES (\(1), now())")
            try connection.query("SELECT pg_sleep(0.05)")
            try connection.query("INSERT INTO begin_probe VALUES (\(2), now())")
            return try connection.query("SELECT DISTINCT at FROM begin_probe").count
        }
        #expect(times == 1)

        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await pool.withTransaction { connection in
                try connection.query("INSERT INTO begin_probe VALUES (\(3), now())")
                throw Boom()
            }
        }
        // A statement that fails as the first of its transaction leaves it clean as well.
        await #expect(throws: PostgresError.self) {
            try await pool.withTransaction { connection in
                try connection.query("INSERT INTO begin_probe VALUES (\(1), now())")
            }
        }
        // A transaction that ran nothing, and one run as a script.
        try await pool.withTransaction { _ in }
        try await pool.withTransaction { connection in
            try connection.execute(script: "INSERT INTO begin_probe VALUES (4, now())")
        }
        let ids = try await pool.query("SELECT id FROM begin_probe ORDER BY id")
        #expect(try ids.map { try $0.decode("id", as: Int.self) } == [1, 2, 4])
        let open = try await pool.query(
            "SELECT count(*)::int8 AS n FROM pg_stat_activity WHERE datname = current_database() AND state LIKE 'idle in transaction%'"
        )
        #expect(try open.first?.decode("n", as: Int.self) == 0)
    }
}
