import ArgumentParser
import Foundation
import PapoPostgres
import PapoServer

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations and exit.")

    @OptionGroup var options: CommonOptions

    func run() async throws {
        let (configuration, environment) = try options.load()
        let logger = options.logger(configuration)
        let database = try await DatabaseBootstrap.open(
            configuration, environment: environment, migrate: false, logger: logger)
        do {
            let applied = try await database.migrator.migrate()
            let status = try await database.migrator.status()
            print(
                applied.isEmpty ? "Nothing to apply." : "Applied: \(applied.map(String.init).joined(separator: ", "))")
            print(
                "Schema \(configuration.databaseSchema): \(status.applied.count) applied, \(status.pending.count) pending."
            )
        } catch {
            await database.close()
            throw error
        }
        await database.close()
    }
}
