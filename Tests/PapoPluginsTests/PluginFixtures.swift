import Foundation
import Logging
import PapoCore
import PapoPlugins

/// The real libraries `swift build --build-tests` put next to the test binary.
enum PluginFixtures {
    /// The build folder: where the test executable and the plugin `.so` files live.
    static let buildDirectory: String = {
        let executable = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? ""
        var folder = URL(fileURLWithPath: executable).deletingLastPathComponent()
        // On some runners the binary sits inside an .xctest bundle folder.
        if folder.lastPathComponent.hasSuffix(".xctest") { folder.deleteLastPathComponent() }
        if FileManager.default.fileExists(atPath: folder.appendingPathComponent("libPapoPluginRealEstate.so").path) {
            return folder.path
        }
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        return package.appendingPathComponent(".build/debug").path
    }()

    static func library(_ name: String) -> String { buildDirectory + "/lib\(name).so" }

    static let childProcess = ChildProcessCommand(executable: buildDirectory + "/papo", arguments: ["plugin-host"])

    /// The limit of tools whose manifest sets none.
    static let defaultTimeout = Duration.seconds(60)

    /// A host over the whole build folder (real plugins and the broken fixtures).
    static func host(
        isolated: Set<String> = [], storage: any PluginStorage = InMemoryPluginStorage(),
        timeouts: [String: Duration] = [:]
    ) -> PluginHost {
        PluginHost(
            configuration: PluginHostConfiguration(
                directories: [buildDirectory], isolated: isolated,
                // Generous: these tests run beside eighty suites on two cores. Tests of the
                // timeout itself use the tools' own short limits.
                defaultTimeout: defaultTimeout, timeouts: timeouts, childProcess: childProcess),
            storage: storage, logger: Logger(label: "test"))
    }

    /// A context at a fixed instant (Friday 2025-03-14 12:00 in São Paulo).
    static func context(
        tenant: String = "tenant-a", customer: String = "+5511988887777", config: JSONValue = [:],
        now: String = "2025-03-14T15:00:00Z"
    ) -> PluginCallContext {
        PluginCallContext(
            tenantId: tenant, conversationId: "conv-1", customerNumber: customer, customerName: "Ana", config: config,
            now: ISO8601DateFormatter().date(from: now)!)
    }
}
