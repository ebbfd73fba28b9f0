import CLibPQ

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One libpq connection, used by one thread at a time.
///
/// Calls block the calling thread; the pool runs them on its own thread pool, never on the
/// Swift cooperative pool.
public final class PostgresConnection {
    /// libpq's handle. libpq allows a connection to move between threads as long as two threads
    /// never use it at once; the pool guarantees that by lending it to one closure at a time.
    private var handle: OpaquePointer?

    /// The server process serving this connection (for diagnostics and tests).
    public private(set) var backendPID: Int32 = 0

    /// Statements prepared on this connection, by text and parameter types: the server parses
    /// and plans a statement once per connection instead of on every call. Bounded, so
    /// statements built with varying text cannot grow it without limit; past the bound they
    /// run unprepared.
    private var prepared: [PreparedKey: String] = [:]
    private struct PreparedKey: Hashable {
        var sql: String
        var types: [UInt32]
    }
    static let preparedLimit = 512

    /// Set by ``PostgresPool/withTransaction(_:)`` instead of sending `BEGIN` at once: the first
    /// statement of the transaction carries it in the same round trip, and a transaction that
    /// ran nothing costs none.
    var pendingBegin = false

    /// Opens a connection and prepares the session: `search_path` to `schema` (then `public`)
    /// and `TimeZone` to UTC.
    public init(connectionString: String, schema: String?) throws {
        guard let handle = PQconnectdb(connectionString) else {
            throw PostgresError(.connectionFailed, "libpq could not allocate a connection")
        }
        self.handle = handle
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.trimmedMessage(PQerrorMessage(handle))
            PQfinish(handle)
            self.handle = nil
            throw PostgresError(.connectionFailed, message)
        }
        // Notices (e.g. "schema already exists, skipping") would otherwise go to stderr.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        backendPID = PQbackendPID(handle)
        var setup = "SET TimeZone TO 'UTC'; SET client_encoding TO 'UTF8';"
        if let schema {
            setup += " SET search_path TO \(SQLQuery.quoteIdentifier(schema)), public;"
        }
        try execute(script: setup)
    }

    deinit {
        if let handle { PQfinish(handle) }
    }

    /// Whether the connection is still usable: reads anything the server sent while it sat idle
    /// (a terminated backend says goodbye) before looking at the status.
    public var isHealthy: Bool {
        guard let handle else { return false }
        // The first read may only collect the server's farewell message; the second sees the
        // end of the stream and marks the connection bad.
        for _ in 0..<2 where PQconsumeInput(handle) == 0 { break }
        return PQstatus(handle) == CONNECTION_OK
    }

    /// Whether the connection is inside a transaction block (or a failed one).
    var isInTransaction: Bool {
        guard let handle else { return false }
        let status = PQtransactionStatus(handle)
        return status == PQTRANS_INTRANS || status == PQTRANS_INERROR
    }

    /// Runs one statement with its bound parameters and returns every row.
    @discardableResult
    public func query(_ query: SQLQuery) throws -> PostgresResult {
        if pendingBegin { return try pipeline([query])[0] }
        let handle = try liveHandle()
        let name = try preparedName(for: query.sql, types: query.binds.map(\.oid), handle: handle)
        let result = Self.withParameters(query) { count, types, values in
            if let name {
                PQexecPrepared(handle, name, count, values, nil, nil, 0)
            } else {
                PQexecParams(handle, query.sql, count, types, values, nil, nil, 0)
            }
        }
        return try consume(result)
    }

    /// Runs `queries` in one round trip (libpq's pipeline mode) and returns their results in
    /// order. Outside a transaction block they form one implicit transaction: each statement
    /// sees the effects of the ones before it, and if one fails none of them takes effect. The
    /// first failure is thrown after the pipeline has been read to its end.
    public func pipeline(_ queries: [SQLQuery]) throws -> [PostgresResult] {
        let handle = try liveHandle()
        // Statements are prepared first (once per connection), outside the pipeline.
        let names = try queries.map { try preparedName(for: $0.sql, types: $0.binds.map(\.oid), handle: handle) }
        let begins = pendingBegin
        pendingBegin = false
        guard PQenterPipelineMode(handle) == 1 else { throw failure(handle, "could not enter pipeline mode") }
        defer { PQexitPipelineMode(handle) }
        var sent = begins ? PQsendQueryParams(handle, "BEGIN", 0, nil, nil, nil, nil, 0) == 1 : true
        for (query, name) in zip(queries, names) where sent {
            sent =
                Self.withParameters(query) { count, types, values in
                    if let name {
                        PQsendQueryPrepared(handle, name, count, values, nil, nil, 0)
                    } else {
                        PQsendQueryParams(handle, query.sql, count, types, values, nil, nil, 0)
                    }
                } == 1
        }
        guard sent, PQpipelineSync(handle) == 1 else { throw failure(handle, "could not send a pipeline") }

        var results: [PostgresResult] = []
        var firstError: (any Error)?
        for index in 0..<(queries.count + (begins ? 1 : 0)) {
            let result = PQgetResult(handle)
            if PQresultStatus(result) == PGRES_PIPELINE_ABORTED {
                PQclear(result)
                results.append(PostgresResult(columns: PostgresColumns(names: []), rows: [], affectedRows: 0))
            } else {
                do {
                    let consumed = try consume(result)
                    if !(begins && index == 0) { results.append(consumed) }
                } catch {
                    if firstError == nil { firstError = error }
                    if !(begins && index == 0) {
                        results.append(PostgresResult(columns: PostgresColumns(names: []), rows: [], affectedRows: 0))
                    }
                }
            }
            // Each statement's results end with a null result.
            while let extra = PQgetResult(handle) { PQclear(extra) }
        }
        // Then the sync point closes the pipeline.
        if let sync = PQgetResult(handle) {
            let status = PQresultStatus(sync)
            PQclear(sync)
            if status != PGRES_PIPELINE_SYNC, firstError == nil {
                firstError = failure(handle, "the pipeline did not end at its sync point")
            }
        }
        if let firstError { throw firstError }
        return results
    }

    /// Calls `body` with the parameter count, type OIDs and C strings of `query`'s binds, alive
    /// for the duration of the call (libpq copies them before returning).
    private static func withParameters<R>(
        _ query: SQLQuery,
        _ body: (Int32, UnsafePointer<UInt32>?, UnsafePointer<UnsafePointer<CChar>?>?) -> R
    ) -> R {
        let binds = query.binds
        let types = binds.map { $0.oid }
        let cStrings: [UnsafeMutablePointer<CChar>?] = binds.map { bind in bind.text.map { strdup($0) } }
        defer { for pointer in cStrings { free(pointer) } }
        return cStrings.withUnsafeBufferPointer { values in
            types.withUnsafeBufferPointer { types in
                values.withMemoryRebound(to: UnsafePointer<CChar>?.self) { values in
                    body(Int32(binds.count), types.baseAddress, values.baseAddress)
                }
            }
        }
    }

    private func failure(_ handle: OpaquePointer, _ what: String) -> PostgresError {
        let broken = PQstatus(handle) != CONNECTION_OK
        return PostgresError(
            broken ? .connectionLost : .queryFailed, "\(what): \(Self.trimmedMessage(PQerrorMessage(handle)))")
    }

    /// The name of `sql` prepared with `types`, preparing it first if needed; `nil` once the
    /// cache is full. A statement that fails to prepare throws its error, as running it would.
    private func preparedName(for sql: String, types: [UInt32], handle: OpaquePointer) throws -> String? {
        let key = PreparedKey(sql: sql, types: types)
        if let name = prepared[key] { return name }
        guard prepared.count < Self.preparedLimit else { return nil }
        let name = "papo_\(prepared.count)"
        let result = types.withUnsafeBufferPointer { types in
            PQprepare(handle, name, sql, Int32(types.count), types.baseAddress)
        }
        _ = try consume(result)
        prepared[key] = name
        return name
    }

    /// Runs a script of one or more statements without parameters (migrations, session setup).
    public func execute(script: String) throws {
        let handle = try liveHandle()
        let script = pendingBegin ? "BEGIN; " + script : script
        pendingBegin = false
        // PQexec keeps only the last result of a multi-statement string; an earlier failure
        // aborts the rest and is what we get back, so one check suffices.
        _ = try consume(PQexec(handle, script))
    }

    /// Reads notifications that arrived with earlier results or from the socket.
    func drainNotifications() -> [PostgresNotification] {
        guard let handle else { return [] }
        var notifications: [PostgresNotification] = []
        while let notify = PQnotifies(handle) {
            let channel = String(cString: notify.pointee.relname)
            let payload = String(cString: notify.pointee.extra)
            notifications.append(PostgresNotification(channel: channel, payload: payload))
            PQfreemem(notify)
        }
        return notifications
    }

    /// The socket, for waiting on notifications.
    var socket: Int32 { handle.map { PQsocket($0) } ?? -1 }

    /// Reads available input; false when the connection broke.
    func consumeInput() -> Bool {
        guard let handle else { return false }
        return PQconsumeInput(handle) == 1 && PQstatus(handle) == CONNECTION_OK
    }

    /// Closes the connection now rather than at deinit.
    public func close() {
        if let handle { PQfinish(handle) }
        handle = nil
    }

    private func liveHandle() throws -> OpaquePointer {
        guard let handle else { throw PostgresError(.connectionLost, "the connection is closed") }
        return handle
    }

    private func consume(_ result: OpaquePointer?) throws -> PostgresResult {
        guard let result else {
            let message = handle.map { Self.trimmedMessage(PQerrorMessage($0)) } ?? "no result"
            throw PostgresError(.connectionLost, message)
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK, PGRES_SINGLE_TUPLE:
            return Self.rows(of: result)
        case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
            let affected = Int(String(cString: PQcmdTuples(result))) ?? 0
            return PostgresResult(columns: PostgresColumns(names: []), rows: [], affectedRows: affected)
        default:
            throw error(from: result)
        }
    }

    private func error(from result: OpaquePointer) -> PostgresError {
        func field(_ code: UInt8) -> String? {
            PQresultErrorField(result, Int32(code)).map { String(cString: $0) }
        }
        let sqlState = field(UInt8(ascii: "C"))
        let message = field(UInt8(ascii: "M")) ?? Self.trimmedMessage(PQresultErrorMessage(result))
        let broken = handle.map { PQstatus($0) != CONNECTION_OK } ?? true
        return PostgresError(
            broken ? .connectionLost : .queryFailed, message, sqlState: sqlState,
            constraint: field(UInt8(ascii: "n")), detail: field(UInt8(ascii: "D")))
    }

    private static func rows(of result: OpaquePointer) -> PostgresResult {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        let columns = PostgresColumns(names: (0..<columnCount).map { String(cString: PQfname(result, Int32($0))) })
        var rows: [PostgresRow] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<Int32(rowCount) {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<Int32(columnCount) {
                if PQgetisnull(result, row, column) == 1 {
                    values.append(nil)
                } else {
                    values.append(String(cString: PQgetvalue(result, row, column)))
                }
            }
            rows.append(PostgresRow(columns: columns, values: values))
        }
        return PostgresResult(columns: columns, rows: rows, affectedRows: rowCount)
    }

    static func trimmedMessage(_ message: UnsafePointer<CChar>?) -> String {
        guard let message else { return "unknown error" }
        var text = String(cString: message)
        while text.last?.isWhitespace == true { text.removeLast() }
        return text.isEmpty ? "unknown error" : text
    }
}

// Safe to send between threads: libpq permits using a connection from any thread as long as no
// two threads use it at once, and the pool and listener each confine a connection to one
// closure or one thread at a time.
extension PostgresConnection: @unchecked Sendable {}

/// A message delivered by `NOTIFY`.
public struct PostgresNotification: Sendable, Hashable {
    public var channel: String
    public var payload: String

    public init(channel: String, payload: String) {
        self.channel = channel
        self.payload = payload
    }
}
