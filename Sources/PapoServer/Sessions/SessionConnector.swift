import Crypto
public import Foundation
public import Logging
public import PapoCore
public import PapoHTTP
import PapoPostgres
public import PapoProviders
public import PapoStore

/// Connects, reconnects and disconnects sessions at their providers, and keeps the stored
/// state (sealed credentials, status, QR code) in step: the work behind the sessions API and
/// the health monitor.
///
/// Credentials are sealed with the ``SecretBox`` as the JSON ``DefaultProviderDirectory``
/// reads: for Meta `{"phone_number_id", "access_token", "app_secret", "verify_token",
/// "base_url"?, "api_version"?}`, for Baileys `{"base_url", "instance", "api_key"}` where the
/// key is the instance's own token, never the gateway's global key.
public struct SessionConnector: Sendable {
    public let sessions: SessionStore
    public let box: SecretBox
    public let httpClient: HTTPClient
    /// The root URL gateways reach Papo at (`PAPO_PUBLIC_URL`); read when a Baileys session is
    /// initialised, so a server that learns its port late can still answer.
    public let publicURL: @Sendable () -> String?
    /// Reconnect pacing and its attempt limit.
    public let backoff: Backoff
    let directory: DefaultProviderDirectory
    let logger: Logger

    public init(
        sessions: SessionStore, box: SecretBox, httpClient: HTTPClient, publicURL: @escaping @Sendable () -> String?,
        backoff: Backoff = SessionConnector.defaultBackoff, logger: Logger = Logger(label: "papo.sessions")
    ) {
        self.sessions = sessions
        self.box = box
        self.httpClient = httpClient
        self.publicURL = publicURL
        self.backoff = backoff
        self.logger = logger
        directory = DefaultProviderDirectory(
            credentials: .init(sessions: sessions, box: box, httpClient: httpClient))
    }

    /// Five reconnects at most, 2 s growing to 5 min between them.
    public static let defaultBackoff = Backoff(base: .seconds(2), cap: .seconds(300), maxAttempts: 6)

    /// The client for a session with stored credentials.
    public func provider(for session: SessionRecord) async throws -> any WhatsAppProvider {
        try await directory.provider(for: session)
    }

    func seal(_ object: [String: JSONValue]) throws -> SessionChange.Credentials {
        let (sealed, keyID) = try box.seal(Data(JSONValue.object(object).jsonText.utf8))
        return .set(sealed: sealed, keyID: keyID)
    }
}

// MARK: - Meta

extension SessionConnector {
    /// What a Meta Cloud API number needs.
    public struct MetaSetup: Sendable {
        public var phoneNumberID: String
        public var accessToken: String
        public var appSecret: String
        public var verifyToken: String
        public var baseURL: String?
        public var apiVersion: String?

        public init(
            phoneNumberID: String, accessToken: String, appSecret: String, verifyToken: String,
            baseURL: String? = nil, apiVersion: String? = nil
        ) {
            self.phoneNumberID = phoneNumberID
            self.accessToken = accessToken
            self.appSecret = appSecret
            self.verifyToken = verifyToken
            self.baseURL = baseURL
            self.apiVersion = apiVersion
        }
    }

    /// Checks the credentials against the Graph API (the number's details) before storing
    /// anything; on success the session is `connected` with the number WhatsApp shows.
    public func initializeMeta(
        tenantID: UUID, name: String, setup: MetaSetup, makeDefault: Bool
    ) async throws
        -> SessionDetails
    {
        var configuration = MetaCloudConfiguration(phoneNumberID: setup.phoneNumberID, accessToken: setup.accessToken)
        if let base = setup.baseURL { configuration.baseURL = base }
        if let version = setup.apiVersion { configuration.apiVersion = version }
        let connection: SessionConnection
        do {
            connection = try await MetaCloudProvider(configuration: configuration, client: httpClient, logger: logger)
                .connectionStatus()
        } catch let error as ProviderError {
            throw SessionAPIError.providerRefused(error, what: "the Graph API")
        }
        if let owner = try await sessions.owner(provider: .meta, externalID: setup.phoneNumberID),
            owner.tenantID != tenantID || owner.name != name
        {
            throw SessionAPIError.numberInUse(setup.phoneNumberID)
        }
        let session = try await prepared(tenantID: tenantID, name: name, provider: .meta, makeDefault: makeDefault)
        var credentials: [String: JSONValue] = [
            "phone_number_id": .string(setup.phoneNumberID), "access_token": .string(setup.accessToken),
            "app_secret": .string(setup.appSecret), "verify_token": .string(setup.verifyToken),
        ]
        if let base = setup.baseURL { credentials["base_url"] = .string(base) }
        if let version = setup.apiVersion { credentials["api_version"] = .string(version) }
        let change = SessionChange(
            state: .connected, phoneNumber: connection.phoneNumber?.digits, displayName: connection.displayName,
            lastError: nil, reconnect: .reset, credentials: try seal(credentials),
            webhook: .set(externalID: setup.phoneNumberID, secretHash: nil), seen: true)
        do {
            return try await sessions.apply(change, sessionID: session.id, tenantID: tenantID) ?? session
        } catch let error as PostgresError where error.isUniqueViolation {
            throw SessionAPIError.numberInUse(setup.phoneNumberID)
        }
    }
}

// MARK: - Baileys

extension SessionConnector {
    /// What a Baileys session on an Evolution API v2 gateway needs.
    public struct BaileysSetup: Sendable {
        public var gatewayURL: String
        /// The gateway's global key: creating an instance needs it. It is not stored.
        public var apiKey: String
        /// Asks for a pairing code for this number instead of a QR code.
        public var pairingNumber: PhoneNumber?

        public init(gatewayURL: String, apiKey: String, pairingNumber: PhoneNumber? = nil) {
            self.gatewayURL = gatewayURL
            self.apiKey = apiKey
            self.pairingNumber = pairingNumber
        }
    }

    /// The gateway instance a session uses: unique on the gateway, and naming no tenant data.
    public static func instanceName(for sessionID: UUID) -> String {
        "papo-" + sessionID.uuidString.lowercased()
    }

    /// Creates the session's instance on the gateway with its webhook pointed back at Papo (and
    /// a fresh per-session secret), and returns the session waiting in `qr` with the code to
    /// scan, or the pairing code when a number was given. Re-initialising replaces the old
    /// instance.
    public func initializeBaileys(
        tenantID: UUID, name: String, setup: BaileysSetup, makeDefault: Bool
    ) async throws
        -> SessionDetails
    {
        guard let root = publicURL()?.trimmingCharacters(in: CharacterSet(charactersIn: "/")), !root.isEmpty else {
            throw SessionAPIError.publicURLMissing
        }
        let session = try await prepared(tenantID: tenantID, name: name, provider: .baileys, makeDefault: makeDefault)
        let instanceName = Self.instanceName(for: session.id)
        let admin = BaileysGatewayProvider(
            configuration: EvolutionConfiguration(
                baseURL: setup.gatewayURL, instanceName: instanceName, apiKey: setup.apiKey),
            client: httpClient, logger: logger)
        if session.record.externalID != nil || session.hasCredentials {
            // A re-initialisation: the old instance (and its link to the phone) goes first, or the
            // gateway would refuse the name. It may be gone already.
            if let old = try? await provider(for: session.record) as? BaileysGatewayProvider {
                try? await old.logout()
                try? await old.deleteInstance()
            }
            try? await admin.deleteInstance()
        }
        let secret = Self.randomSecret()
        // The webhook secret is stored before the instance exists: the gateway may post its first
        // QR code before the create call has even answered.
        try await sessions.apply(
            SessionChange(
                state: .connecting, lastError: nil, reconnect: .reset, credentials: .clear,
                webhook: .set(externalID: instanceName, secretHash: Data(SHA256.hash(data: Data(secret.utf8))))),
            sessionID: session.id, tenantID: tenantID)
        let webhookURL = "\(root)/api/v1/webhooks/baileys/\(session.id.uuidString.lowercased())"
        let instance: EvolutionInstance
        var connection: SessionConnection
        do {
            instance = try await admin.createInstance(
                EvolutionInstanceRequest(webhookURL: webhookURL, webhookSecret: secret))
            let linked = BaileysGatewayProvider(
                configuration: EvolutionConfiguration(
                    baseURL: setup.gatewayURL, instanceName: instanceName, apiKey: instance.token ?? setup.apiKey),
                client: httpClient, logger: logger)
            connection = instance.connection
            if let number = setup.pairingNumber {
                connection = try await linked.requestPairingCode(for: number)
            } else if connection.qrCode == nil, connection.state != .connected {
                connection = try await linked.connect()
            }
        } catch let error as ProviderError {
            try await sessions.apply(
                SessionChange(state: .failed, lastError: "initialising failed: \(error.message)", webhook: .clear),
                sessionID: session.id, tenantID: tenantID)
            throw SessionAPIError.providerRefused(error, what: "the gateway")
        }
        let credentials = try seal([
            "base_url": .string(setup.gatewayURL), "instance": .string(instanceName),
            "api_key": .string(instance.token ?? setup.apiKey),
        ])
        let code = connection.qrCode.map {
            LinkCode(code: $0.code, image: $0.base64, pairingCode: $0.pairingCode)
        }
        let change = SessionChange(
            state: code == nil ? connection.state : .qr, phoneNumber: connection.phoneNumber?.digits,
            displayName: connection.displayName, lastError: nil, qr: code, credentials: credentials, seen: true)
        return try await sessions.apply(change, sessionID: session.id, tenantID: tenantID) ?? session
    }

    static func randomSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }
}

// MARK: - Sandbox and disconnect

extension SessionConnector {
    /// A Sandbox session: connected at once, nothing to check, nothing to store.
    public static func initializeSandbox(
        sessions: SessionStore, tenantID: UUID, name: String, makeDefault: Bool
    )
        async throws -> SessionDetails
    {
        let session: SessionDetails
        switch try await sessions.prepare(tenantID: tenantID, name: name, provider: .sandbox, makeDefault: makeDefault)
        {
        case .ready(let ready, _): session = ready
        case .providerMismatch(let existing): throw SessionAPIError.providerMismatch(existing)
        }
        let change = SessionChange(
            state: .connected, lastError: nil, reconnect: .reset, credentials: .clear, webhook: .clear, seen: true)
        return try await sessions.apply(change, sessionID: session.id, tenantID: tenantID) ?? session
    }

    /// Removes the session's credentials and webhook secret and leaves it `disconnected`,
    /// without calling the provider.
    public static func forget(
        _ session: SessionDetails, sessions: SessionStore, outcome: String = "nothing to log out"
    )
        async throws -> (SessionDetails, providerLogout: String)
    {
        let change = SessionChange(
            state: .disconnected, lastError: nil, reconnect: .reset, credentials: .clear, webhook: .clear)
        let updated = try await sessions.apply(change, sessionID: session.id, tenantID: session.tenantID) ?? session
        return (updated, outcome)
    }

    /// Logs the session out at its provider (for Baileys: logout, then delete the instance),
    /// removes the credentials and the webhook secret, and leaves it `disconnected`. A provider
    /// that cannot be reached does not keep the credentials alive: the outcome says what happened
    /// there.
    public func disconnect(_ session: SessionDetails) async throws -> (SessionDetails, providerLogout: String) {
        var outcome = "nothing to log out"
        if session.hasCredentials, session.record.provider != .sandbox {
            do {
                let provider = try await provider(for: session.record)
                if let gateway = provider as? BaileysGatewayProvider {
                    var problems: [String] = []
                    do { try await gateway.logout() } catch let error as ProviderError {
                        problems.append(error.message)
                    }
                    do {
                        try await gateway.deleteInstance()
                    } catch let error as ProviderError {
                        problems.append(error.message)
                    }
                    outcome =
                        problems.isEmpty
                        ? "logged out and instance deleted" : "gateway answered: " + problems.joined(separator: "; ")
                } else {
                    try await provider.disconnect()
                    outcome = "credentials removed (the Cloud API token stays valid until revoked at Meta)"
                }
            } catch {
                outcome = "provider logout failed: \((error as? ProviderError)?.message ?? "credentials unreadable")"
            }
        }
        return try await Self.forget(session, sessions: sessions, outcome: outcome)
    }

    func prepared(
        tenantID: UUID, name: String, provider: ProviderKind, makeDefault: Bool
    ) async throws
        -> SessionDetails
    {
        switch try await sessions.prepare(tenantID: tenantID, name: name, provider: provider, makeDefault: makeDefault)
        {
        case .ready(let session, _): return session
        case .providerMismatch(let existing): throw SessionAPIError.providerMismatch(existing)
        }
    }
}
