public import Foundation
public import PapoCore
public import PapoProviders
public import PapoStore
import Synchronization

/// Finds the provider client that serves a session.
public protocol ProviderDirectory: Sendable {
    func provider(for session: SessionRecord) async throws -> any WhatsAppProvider
}

/// The directory `papo serve` uses: one in-process Sandbox per sandbox session.
///
/// Meta and Baileys sessions need stored credentials, which the sessions API
/// (`POST /api/v1/sessions/initialize`) provides; until a session has them, sends to it fail
/// with a clear permanent error rather than being dropped.
public final class DefaultProviderDirectory: ProviderDirectory {
    private let sandboxes = Mutex<[UUID: SandboxProvider]>([:])
    private let sandboxConfiguration: SandboxProvider.Configuration

    public init(sandboxConfiguration: SandboxProvider.Configuration = .init()) {
        self.sandboxConfiguration = sandboxConfiguration
    }

    public func provider(for session: SessionRecord) async throws -> any WhatsAppProvider {
        switch session.provider {
        case .sandbox:
            return sandbox(for: session)
        case .meta, .baileys:
            throw ProviderError(
                .permanent, code: "session_not_configured",
                message: "session \(session.name) has no \(session.provider.rawValue) credentials; initialise it first",
                provider: session.provider)
        }
    }

    /// The Sandbox of a session, created on first use.
    public func sandbox(for session: SessionRecord) -> SandboxProvider {
        sandboxes.withLock { sandboxes in
            if let existing = sandboxes[session.id] { return existing }
            var configuration = sandboxConfiguration
            configuration.sessionKey = session.id.uuidString.lowercased()
            let created = SandboxProvider(configuration: configuration)
            sandboxes[session.id] = created
            return created
        }
    }

    /// Every sandbox created so far, for the status pump.
    public var allSandboxes: [UUID: SandboxProvider] { sandboxes.withLock { $0 } }
}
