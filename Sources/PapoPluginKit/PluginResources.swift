public import Foundation

/// Finds data files a plugin ships with (listings, articles) without Bundle.module, whose
/// accessor aborts the process when the bundle is missing — unacceptable inside the engine.
public enum PluginResources {
    /// The first existing path among: `configured` (absolute, or relative to the working
    /// directory), `<folder of the .so>/<plugin>/<name>`, then `<name>` in the folders above
    /// `sourceFile` (the source tree, for development and tests).
    public static func locate(
        _ name: String, plugin: String, configured: String? = nil, sourceFile: String = #filePath
    ) -> URL? {
        var candidates: [URL] = []
        if let configured, !configured.isEmpty { candidates.append(URL(fileURLWithPath: configured)) }
        if let library = libraryDirectory() {
            candidates.append(library.appendingPathComponent(plugin).appendingPathComponent(name))
        }
        var folder = URL(fileURLWithPath: sourceFile).deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent(name))
            folder = folder.deletingLastPathComponent()
        }
        return candidates.first { FileManager.default.fileExists(atPath: $0.path) }
    }

    /// The folder of the shared object this code was linked into: the mapping in
    /// `/proc/self/maps` that contains one of its functions (dladdr needs _GNU_SOURCE, which
    /// Swift's Glibc module does not expose).
    private static func libraryDirectory() -> URL? {
        let marker: @convention(c) () -> Void = {}
        let address = UInt(bitPattern: unsafeBitCast(marker, to: UnsafeRawPointer.self))
        guard let maps = try? String(contentsOfFile: "/proc/self/maps", encoding: .utf8) else { return nil }
        for line in maps.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            guard fields.count >= 6, let dash = fields[0].firstIndex(of: "-"),
                let low = UInt(fields[0][..<dash], radix: 16),
                let high = UInt(fields[0][fields[0].index(after: dash)...], radix: 16),
                (low..<high).contains(address)
            else { continue }
            let path = fields[5...].joined(separator: " ")
            return URL(fileURLWithPath: path).deletingLastPathComponent()
        }
        return nil
    }
}
