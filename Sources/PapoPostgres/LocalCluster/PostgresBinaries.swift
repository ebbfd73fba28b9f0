import Foundation

/// Where the PostgreSQL server programs (`initdb`, `pg_ctl`) are installed.
struct PostgresBinaries: Sendable {
    var directory: String

    func path(_ program: String) -> String { directory + "/" + program }

    /// Looks in `PAPO_PG_BIN`, then Debian's `/usr/lib/postgresql/<version>/bin` (newest first),
    /// then the `PATH`.
    static func locate(environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PostgresBinaries {
        let manager = FileManager.default
        func hasServer(_ directory: String) -> Bool {
            manager.isExecutableFile(atPath: directory + "/initdb")
                && manager.isExecutableFile(atPath: directory + "/pg_ctl")
        }
        if let configured = environment["PAPO_PG_BIN"], hasServer(configured) {
            return PostgresBinaries(directory: configured)
        }
        let debianRoot = "/usr/lib/postgresql"
        let versions = ((try? manager.contentsOfDirectory(atPath: debianRoot)) ?? [])
            .compactMap { name in Int(name).map { ($0, name) } }
            .sorted { $0.0 > $1.0 }
        for (_, name) in versions where hasServer("\(debianRoot)/\(name)/bin") {
            return PostgresBinaries(directory: "\(debianRoot)/\(name)/bin")
        }
        for directory in (environment["PATH"] ?? "").split(separator: ":").map(String.init) where hasServer(directory) {
            return PostgresBinaries(directory: directory)
        }
        throw PostgresError(
            .clusterFailed,
            """
            no PostgreSQL server programs (initdb, pg_ctl) were found. Install them \
            (Debian/Ubuntu: sudo apt-get install postgresql) or point DATABASE_URL at a running \
            PostgreSQL (e.g. postgres://user:password@host:5432/papo). PAPO_PG_BIN may name the folder \
            holding initdb.
            """)
    }
}
