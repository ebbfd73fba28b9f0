import ArgumentParser
import Foundation
import PapoServer
import PapoStore

struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Manage the keys that encrypt stored secrets.", subcommands: [Rotate.self, Generate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-encrypt every stored secret under the newest key of PAPO_ENCRYPTION_KEY.",
            discussion: """
                Add the new key last (PAPO_ENCRYPTION_KEY="old:<base64>,new:<base64>"), run this, then drop
                the old key from the setting.
                """)

        @OptionGroup var options: CommonOptions

        func run() async throws {
            let (configuration, environment) = try options.load()
            guard let setting = configuration.encryptionKey else {
                throw ValidationError("set PAPO_ENCRYPTION_KEY (old keys first, the new key last)")
            }
            let box: SecretBox
            do {
                box = try SecretBox(configuration: setting)
            } catch {
                throw ValidationError("PAPO_ENCRYPTION_KEY: \(error)")
            }
            let logger = options.logger(configuration)
            let database = try await DatabaseBootstrap.open(configuration, environment: environment, logger: logger)
            do {
                let changed = try await SecretRotation(pool: database.pool, box: box).rotate()
                print("Re-encrypted \(changed) secret(s) under key \(box.currentKeyID).")
            } catch {
                await database.close()
                throw error
            }
            await database.close()
        }
    }

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a new random key (base64 of 32 bytes).")

        func run() {
            print(SecretBox.generateKey())
        }
    }
}
