import Foundation
import Logging
import PapoCore
import PapoPlugins
import Testing

@Suite struct PluginLoadingTests {
    @Test func loadsTheRealPluginsAndSkipsTheBrokenOnesWithReasons() throws {
        let host = PluginFixtures.host()
        defer { host.shutdown() }
        let loaded = Set(host.plugins.filter { $0.state == .loaded }.map(\.name))
        #expect(loaded == ["real-estate", "support", "business-hours", "faulty"])
        let names = Set(host.tools.map(\.name))
        #expect(
            names.isSuperset(of: [
                "search_properties", "property_details", "schedule_visit", "simulate_financing",
                "search_knowledge_base",
                "create_ticket", "ticket_status", "list_my_tickets", "business_hours",
            ]))

        func reason(_ stem: String) -> String? {
            guard case .failed(let reason) = host.plugins.first(where: { $0.name == stem })?.state else { return nil }
            return reason
        }
        #expect(reason("PapoTestPluginBadABI") == "ABI version 99 is not supported (host speaks 1)")
        #expect(reason("PapoTestPluginSmallStruct")?.hasPrefix("struct_size 8 is smaller than the v1 table") == true)
        #expect(
            reason("PapoTestPluginBadManifest")
                == "bad manifest: tool broken: parameters: the top-level schema must have \"type\": \"object\"")
        #expect(host.tool(named: "broken") == nil)
    }

    @Test func manifestSchemaAndTimeoutsReachTheToolList() throws {
        let host = PluginFixtures.host(timeouts: ["search_properties": .seconds(3)])
        let search = try #require(host.tool(named: "search_properties"))
        #expect(search.plugin == "real-estate")
        #expect(search.timeout == .seconds(3))
        #expect(search.parameters["type"] == "object")
        #expect(search.parameters["additionalProperties"] == false)
        #expect(search.parameters["properties"]?["purpose"]?["enum"] == ["rent", "sale"])
        #expect(host.tool(named: "business_hours")?.timeout == .milliseconds(2000))
        #expect(host.tool(named: "hang")?.timeout == .milliseconds(300))
        // No limit in its manifest: the host's default.
        #expect(host.tool(named: "property_details")?.timeout == PluginFixtures.defaultTimeout)
    }

    @Test func aSecondCopyOfAPluginIsRejectedAsDuplicate() throws {
        let host = PluginHost(
            configuration: PluginHostConfiguration(files: [
                PluginFixtures.library("PapoPluginBusinessHours"), PluginFixtures.library("PapoPluginBusinessHours"),
            ]),
            storage: InMemoryPluginStorage(), logger: .init(label: "test"))
        #expect(
            host.plugins.map(\.state) == [
                .loaded,
                .failed(
                    "plugin name business-hours is already used by \(PluginFixtures.library("PapoPluginBusinessHours"))"
                ),
            ])
        #expect(host.tools.map(\.name) == ["business_hours"])
    }

    @Test func aFileThatIsNotAPluginFailsClearly() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("papo-plugins-\(UUID())")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try Data("not an ELF file".utf8).write(to: folder.appendingPathComponent("libjunk.so"))
        let host = PluginHost(
            configuration: PluginHostConfiguration(directories: [folder.path]), storage: InMemoryPluginStorage(),
            logger: .init(label: "test"))
        guard case .failed(let reason) = host.plugins.first?.state else {
            Issue.record("junk loaded")
            return
        }
        #expect(reason.hasPrefix("cannot open the library:"))
        #expect(host.plugins.first?.name == "junk")
    }
}
