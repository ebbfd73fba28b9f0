import Foundation
public import Hummingbird
import Logging
import PapoCore
public import PapoStore

/// `GET/PUT /api/v1/tenant/settings` for the authenticated tenant — and only that tenant: the
/// id comes from the authenticated context, never from the request.
public struct TenantSettingsController: Sendable {
    let tenants: TenantStore

    public init(tenants: TenantStore) {
        self.tenants = tenants
    }

    public func register(on group: RouterGroup<AppRequestContext>) {
        group.get("/tenant/settings") { _, context in
            TenantSettingsResponse(try context.requireTenant())
        }
        group.post("/tenant/provider-switch") { request, context in
            var request = request
            let body = try await request.jsonObject(context: context)
            let allowed: Set<String> = ["preferred_provider", "fallback_provider"]
            guard body["preferred_provider"] != nil else {
                throw APIError.validation(
                    ValidationError([FieldError("preferred_provider", "is required: meta, baileys or sandbox")]))
            }
            if let unknown = body.keys.sorted().first(where: { !allowed.contains($0) }) {
                throw APIError.validation(
                    ValidationError([
                        FieldError(unknown, "unknown field; allowed: fallback_provider, preferred_provider")
                    ]))
            }
            return try await update(body, context: context)
        }
        group.put("/tenant/settings") { request, context in
            var request = request
            let body = try await request.jsonObject(context: context)
            return try await update(body, context: context)
        }
    }

    /// Validates and applies a settings change; shared by the settings and provider-switch routes.
    private func update(_ body: [String: JSONValue], context: AppRequestContext) async throws -> TenantSettingsResponse
    {
        let tenant = try context.requireTenant()
        let update: TenantSettingsUpdate
        switch TenantSettingsUpdate.parse(body) {
        case .failure(let error): throw APIError.validation(error)
        case .success(let parsed): update = parsed
        }
        let preferred = update.preferredProvider ?? tenant.preferredProvider
        if let fallback = update.fallbackProvider ?? tenant.fallbackProvider, fallback == preferred {
            throw APIError.validation(
                ValidationError([
                    FieldError("fallback_provider", "must differ from preferred_provider (\(preferred.rawValue))")
                ]))
        }
        let updated = try await tenants.updateSettings(tenantID: tenant.id, update, actor: context.actor)
        context.logger.info("tenant settings updated", metadata: ["fields": "\(body.keys.sorted())"])
        return TenantSettingsResponse(updated)
    }
}

/// What a tenant sees of itself.
struct TenantSettingsResponse: ResponseEncodable {
    var clientId: String
    var name: String
    var status: String
    var timezone: String
    var defaultLanguage: String
    var preferredProvider: String
    var fallbackProvider: String?
    var webhookUrl: String?
    var business: [String: JSONValue]
    var createdAt: Date
    var updatedAt: Date

    init(_ tenant: Tenant) {
        clientId = tenant.clientID
        name = tenant.name
        status = tenant.status.rawValue
        timezone = tenant.timezone
        defaultLanguage = tenant.defaultLanguage
        preferredProvider = tenant.preferredProvider.rawValue
        fallbackProvider = tenant.fallbackProvider?.rawValue
        webhookUrl = tenant.webhookURL
        business = tenant.business
        createdAt = tenant.createdAt
        updatedAt = tenant.updatedAt
    }

    // Explicit keys: the business object's own keys must pass through untouched, so this type is
    // encoded without the context's snake_case conversion getting a say on nested data.
    enum CodingKeys: String, CodingKey {
        case clientId = "client_id"
        case name, status, timezone
        case defaultLanguage = "default_language"
        case preferredProvider = "preferred_provider"
        case fallbackProvider = "fallback_provider"
        case webhookUrl = "webhook_url"
        case business
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}
