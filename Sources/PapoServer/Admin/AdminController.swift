import Foundation
public import Hummingbird
import Logging
import PapoCore
public import PapoStore

/// `/api/v1/admin`: tenants and their keys, behind ``AdminAuthMiddleware``.
public struct AdminController: Sendable {
    let tenants: TenantStore
    let keys: APIKeyStore

    public init(tenants: TenantStore, keys: APIKeyStore) {
        self.tenants = tenants
        self.keys = keys
    }

    public func register(on admin: RouterGroup<AppRequestContext>) {
        admin.post("/tenants") { request, context -> EditedResponse<CreatedTenantResponse> in
            var request = request
            let body = try await request.jsonObject(context: context)
            guard case .string(let name)? = body["name"] else {
                throw APIError.validation(ValidationError([FieldError("name", "is required: the business's name")]))
            }
            let update = try Self.validated(body)
            let (tenant, key) = try await tenants.create(
                name: update.name ?? name, settings: update, actor: context.actor)
            context.logger.info("tenant created", metadata: ["client_id": "\(tenant.clientID)"])
            return EditedResponse(
                status: .created, response: CreatedTenantResponse(tenant: .init(tenant), apiKey: .init(key)))
        }
        admin.get("/tenants") { request, _ -> TenantListResponse in
            let limit = min(max(request.uri.queryParameters.get("limit", as: Int.self) ?? 50, 1), 200)
            let offset = max(request.uri.queryParameters.get("offset", as: Int.self) ?? 0, 0)
            let page = try await tenants.list(limit: limit, offset: offset)
            return TenantListResponse(tenants: page.map(TenantSettingsResponse.init), limit: limit, offset: offset)
        }
        admin.get("/tenants/{client_id}") { _, context in
            TenantSettingsResponse(try await tenant(context))
        }
        admin.post("/tenants/{client_id}/suspend") { _, context in
            try await setStatus(.suspended, context)
        }
        admin.post("/tenants/{client_id}/resume") { _, context in
            try await setStatus(.active, context)
        }
        admin.get("/tenants/{client_id}/keys") { _, context -> KeyListResponse in
            let tenant = try await tenant(context)
            return KeyListResponse(keys: try await keys.list(tenantID: tenant.id).map(KeyResponse.init))
        }
        admin.post("/tenants/{client_id}/keys") { request, context -> EditedResponse<IssuedKeyResponse> in
            let tenant = try await tenant(context)
            let name = try await Self.keyName(request, context)
            let key = try await keys.issue(tenantID: tenant.id, name: name, actor: context.actor)
            return EditedResponse(status: .created, response: IssuedKeyResponse(key))
        }
        admin.post("/tenants/{client_id}/keys/rotate") { request, context -> EditedResponse<IssuedKeyResponse> in
            var request = request
            let tenant = try await tenant(context)
            let body = request.headers[.contentLength] == "0" ? [:] : try await Self.optionalBody(&request, context)
            var grace = 0
            if let value = body["grace_seconds"] {
                guard let seconds = value.intValue, (0...604_800).contains(seconds) else {
                    throw APIError.validation(
                        ValidationError([
                            FieldError("grace_seconds", "must be a whole number of seconds from 0 to 604800 (7 days)")
                        ]))
                }
                grace = seconds
            }
            let name = body["name"]?.stringValue ?? "rotated"
            let key = try await keys.rotate(
                tenantID: tenant.id, name: name, grace: .seconds(grace), actor: context.actor)
            return EditedResponse(status: .created, response: IssuedKeyResponse(key))
        }
        admin.delete("/tenants/{client_id}/keys/{key_id}") { _, context -> Response in
            let tenant = try await tenant(context)
            guard let keyID = context.parameters.get("key_id").flatMap(UUID.init(uuidString:)) else {
                throw APIError.badRequest("key_id must be a key's id (a UUID)")
            }
            guard try await keys.revoke(tenantID: tenant.id, keyID: keyID, actor: context.actor) else {
                throw APIError.notFound("tenant \(tenant.clientID) has no live key \(keyID.uuidString.lowercased())")
            }
            return Response(status: .noContent)
        }
    }

    private func tenant(_ context: AppRequestContext) async throws -> Tenant {
        let clientID = context.parameters.get("client_id") ?? ""
        guard let tenant = try await tenants.tenant(clientID: clientID) else {
            throw APIError.notFound("no tenant has client id \(clientID)")
        }
        return tenant
    }

    private func setStatus(_ status: TenantStatus, _ context: AppRequestContext) async throws -> TenantSettingsResponse
    {
        let clientID = context.parameters.get("client_id") ?? ""
        guard let tenant = try await tenants.setStatus(clientID: clientID, status, actor: context.actor) else {
            throw APIError.notFound("no tenant has client id \(clientID)")
        }
        context.logger.info(
            "tenant status changed", metadata: ["client_id": "\(clientID)", "status": "\(status.rawValue)"])
        return TenantSettingsResponse(tenant)
    }

    private static func validated(_ body: [String: JSONValue]) throws -> TenantSettingsUpdate {
        switch TenantSettingsUpdate.parse(body) {
        case .success(let update):
            if let fallback = update.fallbackProvider ?? nil, fallback == (update.preferredProvider ?? .sandbox) {
                throw APIError.validation(
                    ValidationError([FieldError("fallback_provider", "must differ from preferred_provider")]))
            }
            return update
        case .failure(let error):
            throw APIError.validation(error)
        }
    }

    private static func optionalBody(
        _ request: inout Request, _ context: AppRequestContext
    ) async throws -> [String: JSONValue] {
        let isEmpty =
            request.headers[.contentType] == nil && request.headers[.contentLength] == nil
            && request.headers[.transferEncoding] == nil
        return isEmpty ? [:] : try await request.jsonObject(context: context)
    }

    private static func keyName(_ request: Request, _ context: AppRequestContext) async throws -> String {
        var request = request
        let body = try await optionalBody(&request, context)
        guard let name = body["name"] else { return "key" }
        guard case .string(let text) = name, (1...100).contains(text.count) else {
            throw APIError.validation(ValidationError([FieldError("name", "must be a string of 1 to 100 characters")]))
        }
        return text
    }
}

struct CreatedTenantResponse: ResponseEncodable {
    var tenant: TenantSettingsResponse
    var apiKey: IssuedKeyResponse

    enum CodingKeys: String, CodingKey {
        case tenant
        case apiKey = "api_key"
    }
}

struct TenantListResponse: ResponseEncodable {
    var tenants: [TenantSettingsResponse]
    var limit: Int
    var offset: Int
}

/// A key as listed: never the secret.
struct KeyResponse: ResponseEncodable {
    var id: String
    var prefix: String
    var name: String
    var createdAt: Date
    var revokedAt: Date?
    var lastUsedAt: Date?
    var active: Bool

    init(_ record: APIKeyRecord) {
        id = record.id.uuidString.lowercased()
        prefix = record.prefix
        name = record.name
        createdAt = record.createdAt
        revokedAt = record.revokedAt
        lastUsedAt = record.lastUsedAt
        active = record.isActive()
    }

    enum CodingKeys: String, CodingKey {
        case id, prefix, name, active
        case createdAt = "created_at"
        case revokedAt = "revoked_at"
        case lastUsedAt = "last_used_at"
    }
}

struct KeyListResponse: ResponseEncodable {
    var keys: [KeyResponse]
}

/// A key at creation: the one response that carries the secret.
struct IssuedKeyResponse: ResponseEncodable {
    var id: String
    var prefix: String
    var name: String
    var key: String
    var note = "store this key now: it is shown only once"

    init(_ issued: IssuedAPIKey) {
        id = issued.record.id.uuidString.lowercased()
        prefix = issued.record.prefix
        name = issued.record.name
        key = issued.secret
    }
}
