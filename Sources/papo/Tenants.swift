import ArgumentParser
import Foundation
import PapoServer
import PapoStore

struct Tenants: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage tenants from the command line.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a tenant and print its client id and first API key (shown once).")

        @Argument(help: "The business's name.")
        var name: String

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let (configuration, environment) = try options.load()
            let logger = options.logger(configuration)
            let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...200).contains(trimmed.count) else { throw ValidationError("NAME must be 1 to 200 characters") }
            let database = try await DatabaseBootstrap.open(configuration, environment: environment, logger: logger)
            do {
                let (tenant, key) = try await TenantStore(pool: database.pool).create(name: trimmed, actor: "cli")
                print(
                    """
                    Tenant created: \(tenant.name)
                      client id: \(tenant.clientID)
                      API key:   \(key.secret)
                    Store the key now: it is shown only once. Use it as
                      curl -H "X-Client-Id: \(tenant.clientID)" -H "Authorization: Bearer <key>" \\
                           http://\(configuration.host):\(configuration.port)/api/v1/tenant/settings
                    """)
            } catch {
                await database.close()
                throw error
            }
            await database.close()
        }
    }
}
