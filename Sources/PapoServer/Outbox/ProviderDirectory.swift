public import Foundation
public import PapoCore
public import PapoHTTP
public import PapoProviders
public import PapoStore
import Synchronization

/// Finds the provider client that serves a session.
public protocol ProviderDirectory: Sendable {
    func provider(for session: SessionRecord) async throws -> any WhatsAppProvider
}

/// The directory `papo serve` uses: one in-process Sandbox per sandbox session, and Meta or
/// Baileys clients built from the session's encrypted credentials.
///
/// Credentials are JSON sealed with the ``SecretBox``, written by ``SessionConnector``: for Meta
/// `{"phone_number_id", "access_token", "app_secret", "verify_token", "base_url"?, "api_version"?}`,
/// for Baileys `{"base_url", "instance", "api_key"}` (the instance's own token). A session without them fails its sends with a clear
/// permanent error rather than dropping them.
public final class DefaultProviderDirectory: ProviderDirectory {
    private let sandboxes = Mutex<[UUID: SandboxProvider]>([:])
    private let sandboxConfiguration: SandboxProvider.Configuration
    private let credentials: Credentials?

    /// What building real provider clients needs.
    public struct Credentials: Sendable {
        public var sessions: SessionStore
        public var box: SecretBox
        public var httpClient: HTTPClient

        public init(sessions: SessionStore, box: SecretBox, httpClient: HTTPClient) {
            self.sessions = sessions
            self.box = box
            self.httpClient = httpClient
        }
    }

    public init(sandboxConfiguration: SandboxProvider.Configuration = .init(), credentials: Credentials? = nil) {
        self.sandboxConfiguration = sandboxConfiguration
        self.credentials = credentials
    }

    public func provider(for session: SessionRecord) async throws -> any WhatsAppProvider {
        if session.provider == .sandbox { return sandbox(for: session) }
        guard let credentials,
            let sealed = try await credentials.sessions.sealedCredentials(
                sessionID: session.id, tenantID: session.tenantID)
        else {
            throw ProviderError(
                .permanent, code: "session_not_configured",
                message: "session \(session.name) has no \(session.provider.rawValue) credentials; initialise it first",
                provider: session.provider)
        }
        let json = try JSONValue(
            parsing: String(decoding: try credentials.box.open(sealed.data, keyID: sealed.keyID), as: UTF8.self))
        func field(_ name: String) throws -> String {
            guard let value = json[name]?.stringValue, !value.isEmpty else {
                throw ProviderError(
                    .permanent, code: "session_credentials_invalid",
                    message: "session \(session.name) credentials lack \(name)", provider: session.provider)
            }
            return value
        }
        switch session.provider {
        case .meta:
            var configuration = MetaCloudConfiguration(
                phoneNumberID: try field("phone_number_id"), accessToken: try field("access_token"))
            if let base = json["base_url"]?.stringValue { configuration.baseURL = base }
            if let version = json["api_version"]?.stringValue { configuration.apiVersion = version }
            return MetaCloudProvider(configuration: configuration, client: credentials.httpClient)
        case .baileys:
            return BaileysGatewayProvider(
                configuration: EvolutionConfiguration(
                    baseURL: try field("base_url"), instanceName: try field("instance"), apiKey: try field("api_key")),
                client: credentials.httpClient)
        case .sandbox:
            return sandbox(for: session)
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
