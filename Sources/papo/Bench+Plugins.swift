import Foundation
import PapoCore
import PapoPlugins

extension Bench {
    /// The real-estate plugin's `simulate_financing` tool, in-process and in a child process.
    func benchPlugins(into report: inout BenchReport) async {
        let folder = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent()
        let library = folder.appendingPathComponent("libPapoPluginRealEstate.so").path
        guard FileManager.default.fileExists(atPath: library) else {
            report.note("plugins: skipped (\(library) not found; build the PapoPluginRealEstate product)")
            return
        }
        let arguments: JSONValue = [
            "price": 500_000, "down_payment": 100_000, "term_months": 360, "annual_interest_rate_percent": 12,
        ]
        let context = PluginCallContext(tenantId: "bench")
        let modes: [(label: String, isolated: Set<String>, count: Int)] = [
            ("in-process", [], iterations ?? 2000),
            ("isolated", ["PapoPluginRealEstate"], iterations ?? 200),
        ]
        for mode in modes {
            BenchSystem.progress("plugins: simulate_financing \(mode.label)")
            let host = PluginHost(
                configuration: PluginHostConfiguration(files: [library], isolated: mode.isolated),
                storage: InMemoryPluginStorage(), logger: Self.quietLogger)
            defer { host.shutdown() }
            guard host.tool(named: "simulate_financing") != nil else {
                let reasons = host.plugins.compactMap { plugin -> String? in
                    if case .failed(let reason) = plugin.state { return reason }
                    return nil
                }
                report.note("plugins \(mode.label): not loaded (\(reasons.joined(separator: "; ")))")
                continue
            }
            let call: @Sendable () async -> Bool = {
                let result = await host.invoke(tool: "simulate_financing", arguments: arguments, context: context)
                return !result.isError && result.content["financed_amount"]?.doubleValue == 400_000
            }
            // Starts the child (isolated), fills caches and wakes the plugin threads.
            _ = await BenchRunner.concurrent(count: Self.callers * 2, callers: Self.callers, call)
            report.add("plugin \(mode.label), 1 caller", await BenchRunner.sequential(count: mode.count, call))
            report.add(
                "plugin \(mode.label), \(Self.callers) callers",
                await BenchRunner.concurrent(count: mode.count, callers: Self.callers, call))
        }
        report.note("plugins: isolated calls are serialised through one child process (one call at a time)")
    }
}
