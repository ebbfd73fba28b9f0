import ArgumentParser
import Foundation
import Logging
import PapoServer

@main
struct Papo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "papo",
        abstract: "A multi-tenant WhatsApp conversation engine.",
        version: PapoVersion.current,
        subcommands: [
            Serve.self, Migrate.self, Tenants.self, Agents.self, Plugins.self, PluginHostCommand.self, Bench.self,
            Keys.self, Chat.self,
        ],
        defaultSubcommand: Serve.self)
}

/// Options every command that touches the database shares.
struct CommonOptions: ParsableArguments {
    @Option(name: .long, help: "A papo.yaml configuration file; environment variables override it.")
    var config: String?

    func load() throws -> (PapoConfiguration, [String: String]) {
        let environment = ProcessInfo.processInfo.environment
        do {
            return (try PapoConfiguration.load(file: config, environment: environment), environment)
        } catch {
            throw ValidationError("\(error)")
        }
    }

    func logger(_ configuration: PapoConfiguration) -> Logger {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = configuration.logLevel
            return handler
        }
        var logger = Logger(label: "papo")
        logger.logLevel = configuration.logLevel
        return logger
    }
}
