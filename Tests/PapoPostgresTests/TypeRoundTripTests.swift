import Foundation
import PapoPostgres
import PapoTestKit
import Testing

@Suite("Binding and decoding values")
struct TypeRoundTripTests {
    let pool: PostgresPool

    init() throws {
        pool = try TestDatabase.makePool(maxConnections: 2)
    }

    struct Profile: Codable, Sendable, Equatable {
        var name: String
        var tags: [String]
        var score: Double
    }

    @Test("every supported type survives a round trip through a typed column")
    func roundTrip() async throws {
        try await pool.query(
            """
            CREATE TABLE types_probe (
                t text, i bigint, small int, b bool, n numeric(12,4), d double precision, u uuid,
                ts timestamptz, j jsonb, bytes bytea, tags text[], ints int[], missing text
            )
            """)
        let id = UUID()
        let instant = Date(timeIntervalSince1970: 1_764_000_000.123456)
        let profile = Profile(name: "Ana \"Zé\" Ç", tags: ["vip", "lead"], score: 9.5)
        let bytes = Data([0, 1, 2, 254, 255])
        let text = "olá, 'mundo'; DROP TABLE types_probe; --"
        try await pool.query(
            """
            INSERT INTO types_probe VALUES (
                \(text), \(Int.max), \(Int32(-42)), \(true), \(Decimal(string: "1234.5678")!), \(0.1),
                \(id), \(instant), \(PostgresJSON(profile)), \(bytes), \(["a,b", "c\"d", "NULL", ""]),
                '{1,2,3}', \(String?.none)
            )
            """)
        let row = try #require(try await pool.query("SELECT * FROM types_probe").first)
        #expect(try row.decode("t", as: String.self) == text)
        #expect(try row.decode("i", as: Int.self) == Int.max)
        #expect(try row.decode("small", as: Int32.self) == -42)
        #expect(try row.decode("b", as: Bool.self) == true)
        #expect(try row.decode("n", as: Decimal.self) == Decimal(string: "1234.5678")!)
        #expect(try row.decode("d", as: Double.self) == 0.1)
        #expect(try row.decode("u", as: UUID.self) == id)
        let decodedInstant = try row.decode("ts", as: Date.self)
        #expect(abs(decodedInstant.timeIntervalSince1970 - instant.timeIntervalSince1970) < 0.000_001)
        #expect(try row.decodeJSON("j", as: Profile.self) == profile)
        #expect(try row.decode("bytes", as: Data.self) == bytes)
        #expect(try row.decode("tags", as: [String].self) == ["a,b", "c\"d", "NULL", ""])
        #expect(try row.decode("ints", as: [Int].self) == [1, 2, 3])
        #expect(try row.decode("missing", as: String?.self) == nil)
        #expect(throws: PostgresError.self) { try row.decode("missing", as: String.self) }
        #expect(throws: PostgresError.self) { try row.decode("t", as: Int.self) }
        #expect(throws: PostgresError.self) { try row.decode("no_such_column", as: String.self) }
    }

    @Test("interpolated values become $n parameters, never SQL text")
    func interpolationBinds() {
        let name = "x'); DROP TABLE tenants; --"
        let limit = 5
        let query: SQLQuery = "SELECT * FROM t WHERE name = \(name) AND n < \(limit) LIMIT \(limit)"
        #expect(query.sql == "SELECT * FROM t WHERE name = $1 AND n < $2 LIMIT $3")
        #expect(query.binds.map(\.text) == [name, "5", "5"])
        #expect(!query.description.contains("DROP"))
        let fragment: SQLQuery = "status = \("active")"
        let combined: SQLQuery = "SELECT 1 WHERE id = \(7) AND \(fragment: fragment)"
        #expect(combined.sql == "SELECT 1 WHERE id = $1 AND status = $2")
        #expect(combined.binds.map(\.text) == ["7", "active"])
    }

    @Test("timestamps before 1970 and with offsets parse correctly")
    func timestampsWithOffsets() async throws {
        let rows = try await pool.query(
            """
            SELECT '1969-07-20 20:17:40+00'::timestamptz AS moon,
                   '2026-02-28 23:30:00-03'::timestamptz AS late_brt
            """)
        let row = try #require(rows.first)
        #expect(try row.decode("moon", as: Date.self).timeIntervalSince1970 == -14_182_940)
        #expect(try row.decode("late_brt", as: Date.self).timeIntervalSince1970 == 1_772_332_200)
    }
}
