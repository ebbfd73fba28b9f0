public import Foundation

/// Finds the repository's bundled folders (`schemas/migrations`, `agents`, `plugins`) whether
/// `papo` runs from the checkout, from `.build/debug`, or installed with the folders beside it.
public enum ResourceLocator {
    /// Returns `path` itself when absolute or present under the working directory, else the first
    /// ancestor of the executable that holds it.
    public static func locate(_ path: String) -> URL? {
        let manager = FileManager.default
        if path.hasPrefix("/") { return manager.fileExists(atPath: path) ? URL(fileURLWithPath: path) : nil }
        let workingCopy = URL(fileURLWithPath: manager.currentDirectoryPath).appendingPathComponent(path)
        if manager.fileExists(atPath: workingCopy.path) { return workingCopy }
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent(path)
            if manager.fileExists(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return nil
    }

    /// The migrations folder: `PAPO_MIGRATIONS_DIR` or `schemas/migrations`.
    public static func migrationsDirectory(environment: [String: String]) throws -> URL {
        let path = environment["PAPO_MIGRATIONS_DIR"] ?? "schemas/migrations"
        guard let url = locate(path) else {
            throw ConfigurationError(
                "cannot find the migrations folder '\(path)'; run papo from the repository or set PAPO_MIGRATIONS_DIR")
        }
        return url
    }
}
