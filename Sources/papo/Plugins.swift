import ArgumentParser
import Foundation
import Logging
import PapoPlugins
import PapoServer

struct Plugins: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect capability plugins.", subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Load every plugin in the plugin folders and show versions, tools, state and load errors.")

        @Argument(help: "Plugin folders (default: PAPO_PLUGINS_DIR, or the build folder beside papo).")
        var directories: [String] = []

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            var folders = directories
            if folders.isEmpty {
                folders =
                    environment["PAPO_PLUGINS_DIR"].map { $0.split(separator: ":").map(String.init) }
                    ?? [URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path]
            }
            var logger = Logger(label: "papo.plugins")
            logger.logLevel = .error
            let host = PluginHost(
                configuration: PluginHostConfiguration(directories: folders), storage: InMemoryPluginStorage(),
                logger: logger)
            defer { host.shutdown() }
            for plugin in host.plugins {
                switch plugin.state {
                case .loaded:
                    print("\(plugin.name) \(plugin.version)  loaded  \(plugin.path)")
                    for tool in host.tools where plugin.tools.contains(tool.name) {
                        print("    \(tool.name): \(tool.description)")
                    }
                case .failed(let reason):
                    print("\(plugin.path)  FAILED: \(reason)")
                }
            }
            if host.plugins.isEmpty { print("no plugins found in \(folders.joined(separator: ", "))") }
        }
    }
}

/// The child process that runs an isolated plugin; the engine starts it, people do not.
struct PluginHostCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugin-host", abstract: "Run one isolated plugin over stdin/stdout (internal).",
        shouldDisplay: false)

    @Argument var path: String

    func run() throws {
        PluginChildProcess.main(path: path)
    }
}
