import Foundation
public import Hummingbird
import PapoCore
import PapoLLM
public import PapoStore

/// `GET/PUT/DELETE /api/v1/tenant/llm`: a tenant brings its own OpenAI-compatible endpoint.
///
/// The fields are those of the platform's endpoint settings — `base_url`, `model`, `kind`
/// (`openai`, `azure`, `vllm`, `llamacpp`, `ollama`, `litellm`), `azure_deployment`,
/// `azure_api_version`, `max_tokens_field` — plus `api_key`, which is sealed at rest and never
/// returned (responses say only whether one is set). A `base_url` without its own `api_key`
/// never receives the platform's key. The engine picks a change up within seconds.
public struct TenantLLMController: Sendable {
    let tenants: TenantStore
    let box: SecretBox?

    public init(tenants: TenantStore, box: SecretBox?) {
        self.tenants = tenants
        self.box = box
    }

    static let fields: Set<String> = [
        "base_url", "api_key", "model", "kind", "azure_deployment", "azure_api_version", "max_tokens_field",
    ]

    public func register(on group: RouterGroup<AppRequestContext>) {
        group.get("/tenant/llm") { _, context -> TenantLLMResponse in
            let tenant = try context.requireTenant()
            return try await current(tenant.id)
        }
        group.put("/tenant/llm") { request, context -> TenantLLMResponse in
            var request = request
            let tenant = try context.requireTenant()
            let body = try await request.jsonObject(context: context)
            let (overrides, apiKey) = try validate(body)
            var sealed: (sealed: Data, keyID: String)?
            if let apiKey {
                guard let box else {
                    throw APIError(
                        .serviceUnavailable, code: "encryption_unavailable",
                        message: "the server has no encryption key (PAPO_ENCRYPTION_KEY), so it cannot store api_key")
                }
                let (ciphertext, keyID) = try box.seal(Data(apiKey.utf8))
                sealed = (ciphertext, keyID)
            }
            try await tenants.setLLMSettings(
                tenantID: tenant.id, overrides: overrides, key: sealed, clearKey: body["api_key"] == .null,
                actor: context.actor)
            return try await current(tenant.id)
        }
        group.delete("/tenant/llm") { _, context -> Response in
            let tenant = try context.requireTenant()
            try await tenants.setLLMSettings(
                tenantID: tenant.id, overrides: [:], key: nil, clearKey: true, actor: context.actor)
            return Response(status: .noContent)
        }
    }

    private func current(_ tenantID: UUID) async throws -> TenantLLMResponse {
        guard let settings = try await tenants.llmSettings(tenantID: tenantID) else {
            throw APIError.notFound("no such tenant")
        }
        return TenantLLMResponse(settings)
    }

    /// The overrides to store (without the key) and the new key, if any; every problem is a
    /// field error.
    func validate(_ body: [String: JSONValue]) throws -> (overrides: [String: JSONValue], apiKey: String?) {
        var errors: [FieldError] = []
        var overrides: [String: JSONValue] = [:]
        for key in body.keys.sorted() where !Self.fields.contains(key) {
            errors.append(FieldError(key, "unknown field; allowed: \(Self.fields.sorted().joined(separator: ", "))"))
        }
        func text(_ key: String, limit: Int = 500) -> String? {
            guard let value = body[key], value != .null else { return nil }
            guard let string = value.stringValue, !string.isEmpty, string.count <= limit else {
                errors.append(FieldError(key, "must be a non-empty string of at most \(limit) characters"))
                return nil
            }
            return string
        }
        if let url = text("base_url", limit: 2048) {
            let parsed = URL(string: url)
            if let scheme = parsed?.scheme?.lowercased(), ["http", "https"].contains(scheme), parsed?.host != nil {
                overrides["base_url"] = .string(url)
            } else {
                errors.append(FieldError("base_url", "must be an http(s) URL, e.g. https://api.openai.com/v1"))
            }
        }
        for key in ["model", "azure_deployment", "azure_api_version"] {
            if let value = text(key, limit: 200) { overrides[key] = .string(value) }
        }
        if let kind = text("kind", limit: 40) {
            let known = ["openai", "azure", "vllm", "llamacpp", "ollama", "litellm"]
            if known.contains(kind) {
                overrides["kind"] = .string(kind)
            } else {
                errors.append(FieldError("kind", "must be one of \(known.joined(separator: ", "))"))
            }
        }
        if let field = text("max_tokens_field", limit: 40) {
            if LLMEndpoint.MaxTokensField(rawValue: field) != nil {
                overrides["max_tokens_field"] = .string(field)
            } else {
                errors.append(FieldError("max_tokens_field", "must be max_tokens or max_completion_tokens"))
            }
        }
        let apiKey = text("api_key", limit: 1000)
        if !errors.isEmpty { throw APIError.validation(ValidationError(errors)) }
        return (overrides, apiKey)
    }
}

/// A tenant's LLM settings as the API shows them: never the key.
struct TenantLLMResponse: ResponseEncodable {
    var overrides: [String: JSONValue]
    var apiKeySet: Bool
    var updatedAt: Date

    init(_ settings: TenantLLMSettings) {
        overrides = settings.overrides
        apiKeySet = settings.sealedKey != nil
        updatedAt = settings.updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case overrides
        case apiKeySet = "api_key_set"
        case updatedAt = "updated_at"
    }
}
