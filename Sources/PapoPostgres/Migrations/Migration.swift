public import Foundation

/// One SQL migration file: `NNNN_name.sql`.
public struct Migration: Sendable, Hashable {
    public var version: Int
    public var name: String
    public var sql: String

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }

    /// The file's stem, as people name it: `0002_add_media`.
    public var identifier: String {
        let digits = String(version)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits + "_" + name
    }

    /// A stable fingerprint of the file's text, to notice an applied migration that was edited.
    public var checksum: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    /// Reads every `NNNN_name.sql` file of a folder, in version order.
    ///
    /// Files that do not follow the pattern are errors, not silently skipped: a misnamed
    /// migration would otherwise never run. Two files with one version are errors too.
    public static func load(from directory: URL) throws -> [Migration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        } catch {
            throw PostgresError(.migrationFailed, "cannot read the migrations folder \(directory.path)", cause: error)
        }
        var migrations: [Migration] = []
        for file in names.sorted() where !file.hasPrefix(".") {
            guard file.hasSuffix(".sql") else { continue }
            let stem = file.dropLast(4)
            let parts = stem.split(separator: "_", maxSplits: 1)
            guard parts.count == 2, parts[0].count == 4, let version = Int(parts[0]), !parts[1].isEmpty else {
                throw PostgresError(
                    .migrationFailed, "migration file \(file) must be named NNNN_name.sql (e.g. 0002_add_media.sql)")
            }
            if let clash = migrations.first(where: { $0.version == version }) {
                throw PostgresError(
                    .migrationFailed, "migrations \(clash.name) and \(parts[1]) share the version \(parts[0])")
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            migrations.append(Migration(version: version, name: String(parts[1]), sql: sql))
        }
        return migrations
    }
}
