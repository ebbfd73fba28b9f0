import Foundation
public import Logging
import PapoCore
import PapoProviders
public import PapoStore
public import ServiceLifecycle

/// Applies the Sandbox's simulated delivery reports (sent → delivered → read) to the stored
/// messages, exactly as the Meta and Baileys webhooks do for real numbers.
public struct SandboxStatusPump: Service {
    let directory: DefaultProviderDirectory
    let messages: MessageStore
    let logger: Logger

    public init(directory: DefaultProviderDirectory, messages: MessageStore, logger: Logger) {
        self.directory = directory
        self.messages = messages
        self.logger = logger
    }

    /// Runs until graceful shutdown or cancellation, then returns normally: a service that
    /// throws `CancellationError` on shutdown reads to the service group as a failure.
    public func run() async throws {
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                var watched: Set<UUID> = []
                // Sandboxes appear when a session first sends; look for new ones each second.
                while !Task.isCancelled {
                    for (sessionID, sandbox) in directory.allSandboxes where !watched.contains(sessionID) {
                        watched.insert(sessionID)
                        group.addTask { await pump(sandbox, sessionID: sessionID) }
                    }
                    try? await Task.sleep(for: .seconds(1))
                }
                group.cancelAll()
            }
        }
    }

    func pump(_ sandbox: SandboxProvider, sessionID: UUID) async {
        // A session never changes tenant: one lookup serves every report (three per message).
        var tenant: UUID?
        for await event in sandbox.events {
            guard case .status(let update) = event else { continue }
            do {
                if tenant == nil { tenant = try await messages.tenantID(ofSession: sessionID) }
                guard let tenantID = tenant else { continue }
                try await messages.applyStatus(
                    tenantID: tenantID, provider: .sandbox, providerMessageID: update.providerMessageID,
                    status: update.status, at: update.timestamp)
            } catch {
                logger.warning("applying a sandbox status failed", metadata: ["error": "\(error)"])
            }
        }
    }
}
