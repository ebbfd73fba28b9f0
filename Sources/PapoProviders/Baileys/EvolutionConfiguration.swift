import PapoCore

/// How to reach one instance on an Evolution API v2 gateway (baileys-gateway.md).
///
/// `description` leaves the key out, so the configuration can be logged.
public struct EvolutionConfiguration: Sendable, CustomStringConvertible {
    /// The gateway root, such as `http://evolution:8080`.
    public var baseURL: String
    /// The instance name; globally unique on the gateway, so include the tenant in it.
    public var instanceName: String
    /// Sent as the `apikey` header: the gateway's global key (required to create
    /// instances) or the instance's own token (enough for everything else).
    public var apiKey: String

    /// Creates a configuration.
    public init(baseURL: String, instanceName: String, apiKey: String) {
        self.baseURL = baseURL
        self.instanceName = instanceName
        self.apiKey = apiKey
    }

    public var description: String {
        "EvolutionConfiguration(baseURL: \(baseURL), instanceName: \(instanceName), apiKey: <redacted>)"
    }
}

/// What ``BaileysGatewayProvider/createInstance(_:)`` asks the gateway for.
public struct EvolutionInstanceRequest: Sendable, CustomStringConvertible {
    /// The Evolution events Papo consumes, in the names the create call takes.
    public static let defaultEvents = [
        "MESSAGES_UPSERT", "MESSAGES_UPDATE", "CONNECTION_UPDATE", "QRCODE_UPDATED", "LOGOUT_INSTANCE",
    ]

    /// Where the gateway posts events (Papo's webhook route for this session).
    public var webhookURL: String
    /// A per-session secret the gateway sends back in ``secretHeader`` on every event.
    /// Evolution signs nothing, so this header is the only proof an event came from it.
    public var webhookSecret: String
    /// The header carrying ``webhookSecret``.
    public var secretHeader: String
    /// The events to subscribe to.
    public var events: [String]
    /// Whether media arrives inline as base64 in `messages.upsert` (large bodies) instead of
    /// only as references.
    public var inlineMedia: Bool
    /// Whether group messages are dropped by the gateway; Papo answers one-to-one chats.
    public var ignoreGroups: Bool
    /// Whether calls are rejected automatically.
    public var rejectCalls: Bool

    /// Creates a request.
    public init(
        webhookURL: String, webhookSecret: String, secretHeader: String = EvolutionWebhook.defaultSecretHeader,
        events: [String] = Self.defaultEvents, inlineMedia: Bool = false, ignoreGroups: Bool = true,
        rejectCalls: Bool = false
    ) {
        self.webhookURL = webhookURL
        self.webhookSecret = webhookSecret
        self.secretHeader = secretHeader
        self.events = events
        self.inlineMedia = inlineMedia
        self.ignoreGroups = ignoreGroups
        self.rejectCalls = rejectCalls
    }

    public var description: String {
        "EvolutionInstanceRequest(webhookURL: \(webhookURL), secretHeader: \(secretHeader), events: \(events), "
            + "webhookSecret: <redacted>)"
    }
}

/// The gateway's answer to instance creation.
public struct EvolutionInstance: Sendable, CustomStringConvertible {
    /// The instance name.
    public var name: String
    /// The gateway's id for the instance.
    public var id: String?
    /// The instance's own API token (`hash`): store it encrypted and use it as the
    /// ``EvolutionConfiguration/apiKey`` from now on.
    public var token: String?
    /// The connection state right after creation, with the first QR code when one came.
    public var connection: SessionConnection

    public var description: String {
        "EvolutionInstance(name: \(name), id: \(id ?? "nil"), state: \(connection.state.rawValue), token: <redacted>)"
    }
}
