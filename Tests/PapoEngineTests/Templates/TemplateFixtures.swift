import Foundation
import PapoEngine

/// Real files in a throw-away folder, plus the package's own template folder.
enum TemplateFixtures {
    /// The package root, found from this file's location (Tests/PapoEngineTests/Templates/…),
    /// which holds both here and after the folder is copied into the main package.
    static let packageRoot: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The bundled templates folder, `agents/`.
    static let agentsFolder = packageRoot.appendingPathComponent("agents")

    /// Runs `body` with a fresh empty folder that is removed afterwards.
    static func withFolder<T>(_ body: (URL) async throws -> T) async rethrows -> T {
        let folder = FileManager.default.temporaryDirectory
            .appendingPathComponent("papo-agents-\(UUID().uuidString)", isDirectory: true)
        try! FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        return try await body(folder)
    }

    /// Writes `text` to `name` inside `folder` and returns the file's URL.
    @discardableResult
    static func write(_ text: String, to name: String, in folder: URL) throws -> URL {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        return url
    }

    /// Loads a bundled template from `agents/`.
    static func bundled(_ name: String) -> AgentTemplateLoader.Outcome {
        AgentTemplateLoader.load(contentsOf: agentsFolder.appendingPathComponent(name))
    }

    /// The smallest valid template, with optional extra top-level YAML appended.
    static func minimal(id: String = "demo", name: String = "Demo", extra: String = "") -> String {
        """
        id: \(id)
        name: \(name)
        prompt:
          system: Você atende clientes de {{tenant.name}}.

        """ + extra
    }
}
