import Foundation
import PapoCore
import PapoPlugins
import Testing

@Suite struct HostInvocationTests {
    @Test func argumentErrorsReachTheModelAsToolErrors() async throws {
        let host = PluginFixtures.host()
        let context = PluginFixtures.context()
        let wrong = await host.invoke(tool: "echo", arguments: ["text": "far too long text", "n": 0], context: context)
        #expect(wrong.failure == .invalidArguments)
        #expect(
            wrong.errorMessage
                == "invalid arguments for echo: arguments.n: must be at least 1; arguments.text: must have at most 10 characters"
        )
        let missing = await host.invoke(tool: "echo", argumentsText: "{}", context: context)
        #expect(missing.errorMessage == "invalid arguments for echo: arguments.text: is required")
        let garbage = await host.invoke(tool: "echo", argumentsText: "{text:", context: context)
        #expect(garbage.errorMessage == "the arguments of echo are not valid JSON")
        let unknown = await host.invoke(tool: "teleport", arguments: [:], context: context)
        #expect(unknown.failure == .unknownTool)
        let ok = await host.invoke(tool: "echo", argumentsText: #"{"text":"oi"}"#, context: context)
        #expect(ok.content["echo"] == ["text": "oi"])
        #expect(ok.content["pid"]?.intValue == Int(getpid()))
    }

    @Test func nonJSONResultsAreErrors() async {
        let host = PluginFixtures.host()
        let result = await host.invoke(tool: "not_json", arguments: [:], context: PluginFixtures.context())
        #expect(result.failure == .invalidResult)
        #expect(result.errorMessage == "not_json returned a result that is not JSON")
    }

    @Test func anInProcessHangTimesOutAndTheHostKeepsAnswering() async {
        let host = PluginFixtures.host()
        let result = await host.invoke(tool: "hang", arguments: [:], context: PluginFixtures.context())
        #expect(result.failure == .timeout)
        let after = await host.invoke(tool: "echo", arguments: ["text": "ainda"], context: PluginFixtures.context())
        #expect(after.content["echo"]?["text"] == "ainda")
    }

    @Test func anIsolatedCrashCostsOneCallAndTheNextCallWorks() async throws {
        let host = PluginFixtures.host(isolated: ["PapoTestPluginFaulty"])
        defer { host.shutdown() }
        #expect(host.plugins.first { $0.name == "faulty" }?.isolated == true)
        let first = await host.invoke(tool: "echo", arguments: ["text": "um"], context: PluginFixtures.context())
        let childPid = try #require(first.content["pid"]?.intValue)
        #expect(childPid != Int(getpid()))

        let crash = await host.invoke(tool: "crash", arguments: [:], context: PluginFixtures.context())
        #expect(crash.failure == .pluginFailure)
        #expect(crash.errorMessage == "crash failed: the plugin process died during the call")

        let next = await host.invoke(tool: "echo", arguments: ["text": "dois"], context: PluginFixtures.context())
        #expect(next.content["echo"]?["text"] == "dois")
        let restartedPid = try #require(next.content["pid"]?.intValue)
        #expect(restartedPid != childPid)
    }

    @Test func anIsolatedHangIsKilledAtTheTimeout() async throws {
        let host = PluginFixtures.host(isolated: ["faulty"])
        defer { host.shutdown() }
        let hang = await host.invoke(tool: "hang", arguments: [:], context: PluginFixtures.context())
        #expect(hang.failure == .timeout)
        let next = await host.invoke(tool: "counter", arguments: [:], context: PluginFixtures.context())
        #expect(next.content["count"] == 1)
    }

    @Test func storageIsRelayedFromTheChildAndScopedPerTenant() async throws {
        let storage = InMemoryPluginStorage()
        let host = PluginFixtures.host(isolated: ["PapoTestPluginFaulty"], storage: storage)
        defer { host.shutdown() }
        let a = PluginFixtures.context(tenant: "tenant-a")
        let b = PluginFixtures.context(tenant: "tenant-b")
        #expect(await host.invoke(tool: "counter", arguments: [:], context: a).content["count"] == 1)
        #expect(await host.invoke(tool: "counter", arguments: [:], context: a).content["count"] == 2)
        #expect(await host.invoke(tool: "counter", arguments: [:], context: b).content["count"] == 1)
        #expect(try await storage.value(tenant: "tenant-a", plugin: "faulty", key: "count") == Array("2".utf8))
        #expect(try await storage.value(tenant: "tenant-b", plugin: "faulty", key: "count") == Array("1".utf8))
    }

    @Test func concurrentInProcessCallsAllAnswer() async {
        let host = PluginFixtures.host()
        let results = await withTaskGroup(of: String?.self) { group in
            for index in 0..<40 {
                group.addTask {
                    await host.invoke(
                        tool: "echo", arguments: ["text": .string("c\(index)")], context: PluginFixtures.context()
                    )
                    .content["echo"]?["text"]?.stringValue
                }
            }
            return await group.reduce(into: Set<String>()) { if let text = $1 { $0.insert(text) } }
        }
        #expect(results == Set((0..<40).map { "c\($0)" }))
    }
}
