import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import PapoCore
import PapoPlugins
import PapoPostgres
import PapoServer
import PapoStore
import PapoTestKit
import Testing

@Suite("Plugin storage in PostgreSQL")
struct PluginStorageTests {
    /// The folder holding the test binary and the plugin libraries the package built.
    static let buildDirectory: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
        if folder.lastPathComponent.hasSuffix(".xctest") { folder.deleteLastPathComponent() }
        return folder.path
    }()

    @Test("the real-estate plugin books visits in plugin_kv, per tenant, refusing a double booking")
    func visitsPerTenant() async throws {
        let pool = try TestDatabase.makePool(maxConnections: 4)
        let tenants = TenantStore(pool: pool)
        let (alpha, _) = try await tenants.create(name: "Alpha Imóveis", actor: "test")
        let (beta, _) = try await tenants.create(name: "Beta Imóveis", actor: "test")
        let storage = PostgresPluginStorage(pool: pool)
        let host = PluginHost(
            configuration: PluginHostConfiguration(files: [Self.buildDirectory + "/libPapoPluginRealEstate.so"]),
            storage: storage, logger: TestDatabase.logger)
        defer { host.shutdown() }
        let now = ISO8601DateFormatter().date(from: "2025-03-14T15:00:00Z")!
        func context(_ tenant: Tenant) -> PluginCallContext {
            PluginCallContext(
                tenantId: tenant.id.uuidString, conversationId: "conv-1", customerNumber: "+5511988887777",
                customerName: "Ana", now: now)
        }
        let slot: JSONValue = ["code": "AP-1003", "date": "2025-03-17", "time": "10:00"]
        let first = await host.invoke(tool: "schedule_visit", arguments: slot, context: context(alpha))
        #expect(first.isError == false)
        #expect(first.content["confirmation_code"]?.stringValue?.hasPrefix("VIS-") == true)
        let again = await host.invoke(tool: "schedule_visit", arguments: slot, context: context(alpha))
        #expect(again.failure == .toolError)
        let other = await host.invoke(tool: "schedule_visit", arguments: slot, context: context(beta))
        #expect(other.isError == false)

        let rows = try await pool.query(
            "SELECT t.name, k.key FROM plugin_kv k JOIN tenants t ON t.id = k.tenant_id WHERE k.plugin = 'real-estate' AND k.key ^@ 'visit/' ORDER BY t.name"
        )
        #expect(
            try rows.map { "\(try $0.decode("name", as: String.self)):\(try $0.decode("key", as: String.self))" } == [
                "Alpha Imóveis:visit/AP-1003/2025-03-17T10:00", "Beta Imóveis:visit/AP-1003/2025-03-17T10:00",
            ])
        #expect(try await storage.keys(tenant: alpha.id.uuidString, plugin: "real-estate", prefix: "visit/").count == 1)
        #expect(try await storage.removeValue(tenant: alpha.id.uuidString, plugin: "real-estate", key: "nope") == false)
        await #expect(throws: PostgresError.self) {
            try await storage.value(tenant: "not-a-uuid", plugin: "real-estate", key: "x")
        }
    }

    @Test("GET /api/v1/plugins lists loaded plugins with their tools and failed ones with the reason")
    func pluginListing() async throws {
        let app = try TestApp()
        let host = PluginHost(
            configuration: PluginHostConfiguration(files: [
                Self.buildDirectory + "/libPapoPluginSupport.so", Self.buildDirectory + "/libPapoTestPluginBadABI.so",
            ]),
            storage: InMemoryPluginStorage(), logger: TestDatabase.logger)
        defer { host.shutdown() }
        let router = PapoRouter.make(
            .init(pool: app.pool, migrator: app.migrator, adminKey: TestApp.adminKey, plugins: host))
        try await Application(router: router, logger: TestDatabase.logger).test(.router) { client in
            let tenant = try await client.createTenant("Plugins")
            let response = try await client.execute(uri: "/api/v1/plugins", method: .get, headers: tenant.headers)
            #expect(response.status == .ok)
            let plugins = try #require(try response.json()["plugins"] as? [[String: Any]])
            let support = try #require(plugins.first { $0["name"] as? String == "support" })
            #expect(support["state"] as? String == "loaded")
            let tools = (support["tools"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(Set(tools) == ["search_knowledge_base", "create_ticket", "ticket_status", "list_my_tickets"])
            let failed = try #require(plugins.first { $0["state"] as? String == "failed" })
            #expect((failed["error"] as? String)?.contains("ABI version 99") == true)
        }
    }
}
