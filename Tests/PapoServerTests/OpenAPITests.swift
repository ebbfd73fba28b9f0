import Foundation
import Hummingbird
import PapoServer
import PapoYAML
import Testing

@Suite("OpenAPI spec")
struct OpenAPITests {
    static let specURL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("schemas/openapi.yaml")

    @Test("the spec documents exactly the routes the server registers")
    func specMatchesRouter() throws {
        let spec = try YAMLValue(yaml: try String(contentsOf: Self.specURL, encoding: .utf8), file: "openapi.yaml")
        let paths = try #require(spec["paths"]?.objectValue)
        var documented: Set<String> = []
        for (path, item) in paths.dictionary {
            for method in item.objectValue?.keys ?? [] where method != "parameters" {
                documented.insert("\(method.uppercased()) \(path)")
            }
        }
        let app = try TestApp()
        let router = PapoRouter.make(.init(pool: app.pool, migrator: app.migrator, adminKey: TestApp.adminKey))
        let served = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        #expect(served.subtracting(documented).sorted() == [], "routes missing from schemas/openapi.yaml")
        #expect(documented.subtracting(served).sorted() == [], "documented routes the server does not have")
    }
}
