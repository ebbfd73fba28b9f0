import Foundation
import PapoPostgres
import PapoTestKit
import Testing

@Suite("PostgreSQL pool")
struct PoolTests {
    let pool: PostgresPool

    init() throws {
        pool = try TestDatabase.makePool(maxConnections: 3, acquireTimeout: .seconds(20))
    }

    @Test("more callers than connections all complete, never more than the pool size at once")
    func poolUnderConcurrency() async throws {
        try await pool.query("CREATE TEMP TABLE IF NOT EXISTS unused (x int)")
        let pids = try await withThrowingTaskGroup(of: Int32.self) { group in
            for index in 0..<40 {
                group.addTask {
                    try await pool.withConnection { connection in
                        let row = try connection.query(
                            "SELECT pg_backend_pid() AS pid, \(index) + 1 AS next, pg_sleep(0.02)")
                        #expect(try row.first?.decode("next", as: Int.self) == index + 1)
                        return try row.first!.decode("pid", as: Int32.self)
                    }
                }
            }
            var pids: [Int32] = []
            for try await pid in group { pids.append(pid) }
            return pids
        }
        #expect(pids.count == 40)
        #expect(Set(pids).count <= 3)
        #expect(pool.statistics.open <= 3)
    }

    @Test("an error inside a transaction rolls everything back")
    func rollbackOnError() async throws {
        try await pool.query("CREATE TABLE rollback_probe (id int PRIMARY KEY, note text)")
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await pool.withTransaction { connection in
                try connection.query("INSERT INTO rollback_probe VALUES (\(1), \("first"))")
                try connection.query("INSERT INTO rollback_probe VALUES (\(2), \("second"))")
                throw Boom()
            }
        }
        let count = try await pool.query("SELECT count(*) AS n FROM rollback_probe")
        #expect(try count.first?.decode("n", as: Int.self) == 0)

        try await pool.withTransaction { connection in
            try connection.query("INSERT INTO rollback_probe VALUES (\(3), \("kept"))")
        }
        let kept = try await pool.query("SELECT note FROM rollback_probe")
        #expect(try kept.map { try $0.decode("note", as: String.self) } == ["kept"])
    }

    @Test("a unique violation is told apart, with its SQLSTATE and constraint")
    func uniqueViolation() async throws {
        try await pool.query("CREATE TABLE unique_probe (key text CONSTRAINT unique_probe_key UNIQUE)")
        try await pool.query("INSERT INTO unique_probe VALUES (\("wamid.1"))")
        do {
            try await pool.query("INSERT INTO unique_probe VALUES (\("wamid.1"))")
            Issue.record("the duplicate insert succeeded")
        } catch let error as PostgresError {
            #expect(error.isUniqueViolation)
            #expect(error.sqlState == "23505")
            #expect(error.constraint == "unique_probe_key")
            #expect(error.code == .queryFailed)
        }
        // The connection that saw the error is still usable.
        let rows = try await pool.query("SELECT count(*) AS n FROM unique_probe")
        #expect(try rows.first?.decode("n", as: Int.self) == 1)
    }

    @Test("a connection killed on the server is replaced, not reused")
    func droppedConnectionIsReplaced() async throws {
        let small = try TestDatabase.makePool(maxConnections: 1)
        let firstPID = try await small.withConnection { $0.backendPID }
        try await pool.query("SELECT pg_terminate_backend(\(firstPID))")
        // Give the server a moment to close the socket.
        try await Task.sleep(for: .milliseconds(200))
        let secondPID = try await small.withConnection { connection in
            try connection.query("SELECT pg_backend_pid() AS pid").first!.decode("pid", as: Int32.self)
        }
        #expect(secondPID != firstPID)
        await small.close()
    }

    @Test("an exhausted pool fails after its timeout and says so")
    func poolTimeout() async throws {
        let small = try TestDatabase.makePool(maxConnections: 1, acquireTimeout: .milliseconds(300))
        async let holder: Void = small.withConnection { connection in
            _ = try connection.query("SELECT pg_sleep(1.5)")
        }
        try await Task.sleep(for: .milliseconds(200))
        do {
            try await small.query("SELECT 1")
            Issue.record("acquiring from an exhausted pool succeeded")
        } catch let error as PostgresError {
            #expect(error.code == .poolTimeout)
            #expect(error.message.contains("busy"))
        }
        try await holder
        // Once the holder is done the pool serves again.
        let one = try await small.query("SELECT 1 AS one")
        #expect(try one.first?.decode("one", as: Int.self) == 1)
        await small.close()
    }
}
