/// An error from the PostgreSQL layer: what failed, PostgreSQL's own words and, for server
/// errors, the SQLSTATE.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case connectionFailed, connectionLost, queryFailed, poolTimeout, poolClosed
            case decodingFailed, migrationFailed, clusterFailed, invalidConfiguration
        }
        fileprivate let base: Base

        /// The server could not be reached or refused the login.
        public static let connectionFailed = Code(base: .connectionFailed)
        /// The connection broke while in use.
        public static let connectionLost = Code(base: .connectionLost)
        /// The server rejected a statement; see ``PostgresError/sqlState``.
        public static let queryFailed = Code(base: .queryFailed)
        /// Every connection stayed busy past the pool's acquire timeout.
        public static let poolTimeout = Code(base: .poolTimeout)
        /// The pool was shut down.
        public static let poolClosed = Code(base: .poolClosed)
        /// A column could not be turned into the requested Swift type.
        public static let decodingFailed = Code(base: .decodingFailed)
        /// A migration file failed or is malformed.
        public static let migrationFailed = Code(base: .migrationFailed)
        /// The local development cluster could not be created or started.
        public static let clusterFailed = Code(base: .clusterFailed)
        /// A setting (connection string, schema name) is invalid.
        public static let invalidConfiguration = Code(base: .invalidConfiguration)

        public var description: String { base.rawValue }
    }

    public var code: Code
    public var message: String
    /// The five-character SQLSTATE of a server error (`23505` for a unique violation).
    public var sqlState: String?
    /// The constraint a violation names, when the server says.
    public var constraint: String?
    public var detail: String?
    public var cause: (any Error)?

    public init(
        _ code: Code, _ message: String, sqlState: String? = nil, constraint: String? = nil,
        detail: String? = nil, cause: (any Error)? = nil
    ) {
        self.code = code
        self.message = message
        self.sqlState = sqlState
        self.constraint = constraint
        self.detail = detail
        self.cause = cause
    }

    /// A duplicate key: the dedupe and idempotency paths rely on telling this apart.
    public var isUniqueViolation: Bool { sqlState == "23505" }
    /// A foreign key points at a row that does not exist.
    public var isForeignKeyViolation: Bool { sqlState == "23503" }
    /// A CHECK constraint rejected the row.
    public var isCheckViolation: Bool { sqlState == "23514" }

    public var description: String {
        var text = "\(code): \(message)"
        if let sqlState { text += " [SQLSTATE \(sqlState)]" }
        if let constraint { text += " (constraint \(constraint))" }
        return text
    }
}
