public import Foundation
public import Logging
import PapoCore
public import PapoHTTP
public import PapoLLM
public import PapoStore
import Synchronization

/// The model client for each tenant: the platform's endpoint, or the tenant's own when it set
/// one (`PUT /api/v1/tenant/llm`) — its base URL, model or dialect laid over the platform's,
/// with its key unsealed only here, in memory, to build the client.
///
/// Settings are re-read at most every ``refreshInterval`` per tenant, so a change applies
/// within seconds on every instance without a query per turn; a client is rebuilt only when
/// the settings changed.
public final class TenantLLMClients: Sendable {
    private struct Entry {
        var checkedAt: ContinuousClock.Instant
        var updatedAt: Date?
        var client: (any LLMClient)?
    }

    let defaultEndpoint: LLMEndpoint?
    let defaultClient: (any LLMClient)?
    let tenants: TenantStore
    let box: SecretBox?
    let httpClient: HTTPClient
    let retryPolicy: RetryPolicy
    /// Whether a tenant's own base URL may reach internal addresses (`PAPO_ALLOW_INTERNAL_URLS`).
    let allowInternalURLs: Bool
    let logger: Logger
    /// How long a tenant's settings are trusted before being read again.
    public let refreshInterval: Duration
    private let entries = Mutex<[UUID: Entry]>([:])

    /// - Parameters:
    ///   - defaultEndpoint: the platform's endpoint (`PAPO_LLM_*`); `nil` means tenants without
    ///     an endpoint of their own are answered offline.
    ///   - box: opens tenants' sealed keys; without it tenant keys are ignored.
    ///   - allowInternalURLs: let a tenant's own base URL reach loopback, private and
    ///     link-local addresses (the platform's endpoint always may).
    public init(
        defaultEndpoint: LLMEndpoint?, tenants: TenantStore, box: SecretBox?, httpClient: HTTPClient,
        retryPolicy: RetryPolicy = .standard, refreshInterval: Duration = .seconds(10), allowInternalURLs: Bool = false,
        logger: Logger
    ) {
        self.allowInternalURLs = allowInternalURLs
        self.defaultEndpoint = defaultEndpoint
        self.tenants = tenants
        self.box = box
        self.httpClient = httpClient
        self.retryPolicy = retryPolicy
        self.refreshInterval = refreshInterval
        self.logger = logger
        self.defaultClient = defaultEndpoint.map {
            OpenAICompatibleClient(endpoint: $0, httpClient: httpClient, retryPolicy: retryPolicy, logger: logger)
        }
    }

    /// The client for `tenantID`; `nil` when neither the platform nor the tenant configured a
    /// model (the turn is answered offline).
    public func client(for tenantID: UUID) async throws -> (any LLMClient)? {
        let now = ContinuousClock.now
        if let entry = entries.withLock({ $0[tenantID] }), now - entry.checkedAt < refreshInterval {
            return entry.client
        }
        let settings = try await tenants.llmSettings(tenantID: tenantID)
        if let entry = entries.withLock({ $0[tenantID] }), entry.updatedAt == settings?.updatedAt {
            entries.withLock { $0[tenantID]?.checkedAt = now }
            return entry.client
        }
        let client = settings.flatMap { makeClient($0, tenantID: tenantID) } ?? defaultClient
        entries.withLock { $0[tenantID] = Entry(checkedAt: now, updatedAt: settings?.updatedAt, client: client) }
        return client
    }

    /// The endpoint a tenant's settings describe, or `nil` for "use the platform's".
    public func endpoint(for settings: TenantLLMSettings) throws -> LLMEndpoint? {
        guard !settings.isEmpty else { return nil }
        var overrides = try JSONDecoder().decode(
            LLMEndpoint.Overrides.self, from: Data(JSONValue.object(settings.overrides).jsonText.utf8))
        if let sealed = settings.sealedKey, let keyID = settings.keyID, let box {
            overrides.apiKey = String(decoding: try box.open(sealed, keyID: keyID), as: UTF8.self)
        }
        // A base URL the tenant chose is the tenant's to point anywhere, except inside our network.
        let refuseInternal = overrides.baseURL != nil && !allowInternalURLs
        if var endpoint = defaultEndpoint?.applying(overrides) {
            endpoint.refuseInternalAddresses = refuseInternal
            return endpoint
        }
        guard let baseURL = overrides.baseURL else { return nil }
        var endpoint = LLMEndpoint(baseURL: baseURL, model: overrides.model ?? "gpt-4o-mini").applying(overrides)
        endpoint.refuseInternalAddresses = refuseInternal
        return endpoint
    }

    private func makeClient(_ settings: TenantLLMSettings, tenantID: UUID) -> (any LLMClient)? {
        do {
            guard let endpoint = try endpoint(for: settings) else { return nil }
            let client = OpenAICompatibleClient(
                endpoint: endpoint, httpClient: httpClient, retryPolicy: retryPolicy, logger: logger)
            // Templates name models of the platform's provider; a tenant that chose a model for
            // its own endpoint gets that model whatever the template says.
            if settings.overrides["model"] != nil { return PinnedModelClient(base: client, model: endpoint.model) }
            return client
        } catch {
            // Unreadable settings must not silently send the tenant's traffic to the platform's
            // model under the platform's key: the tenant is answered offline until fixed.
            logger.error(
                "the tenant's LLM settings cannot be used; answering offline",
                metadata: ["tenant": "\(tenantID)", "error": "\(error)"])
            return nil
        }
    }
}

/// A client that sends every request to one model, whatever the request names.
struct PinnedModelClient: LLMClient {
    let base: any LLMClient
    let model: String

    func complete(_ request: LLMRequest) async throws -> LLMCompletion {
        var request = request
        request.model = model
        return try await base.complete(request)
    }

    func stream(_ request: LLMRequest) -> AsyncThrowingStream<LLMStreamEvent, any Error> {
        var request = request
        request.model = model
        return base.stream(request)
    }
}
