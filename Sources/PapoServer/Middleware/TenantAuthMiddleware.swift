import Foundation
public import Hummingbird
import Logging
import PapoCore
public import PapoStore

/// Authenticates tenant routes: `X-Client-Id` names the tenant and `Authorization: Bearer`
/// carries one of its API keys.
///
/// 401 when the key is missing, unknown or revoked; 403 when the key is valid but belongs to
/// another tenant, or the tenant is suspended.
public struct TenantAuthMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let keys: APIKeyStore
    let tenants: TenantStore
    let adminKeyDigest: Data?

    /// The admin key (when configured) also opens tenant routes, for any existing tenant, so an
    /// operator can act on a tenant's behalf; such requests are audited as `admin`.
    public init(keys: APIKeyStore, tenants: TenantStore, adminKey: String?) {
        self.keys = keys
        self.tenants = tenants
        adminKeyDigest = adminKey.flatMap { $0.isEmpty ? nil : APIKeyHash.digest(of: $0) }
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let clientID = request.headers[.clientID], !clientID.isEmpty else {
            throw APIError(.unauthorized, code: "missing_client_id", message: "send the tenant's id in X-Client-Id")
        }
        guard let secret = BearerToken.from(request) else {
            throw APIError(
                .unauthorized, code: "missing_api_key", message: "send an API key as Authorization: Bearer <key>",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        var context = context
        if let adminKeyDigest, APIKeyHash.constantTimeEquals(APIKeyHash.digest(of: secret), adminKeyDigest) {
            guard let tenant = try await tenants.tenant(clientID: clientID) else {
                throw APIError(.unauthorized, code: "unknown_client_id", message: "no tenant has client id \(clientID)")
            }
            context.tenant = tenant
            context.isAdmin = true
            context.logger[metadataKey: "tenant"] = .string(tenant.clientID)
            return try await next(request, context)
        }
        guard case .tenant(let tenant, let keyID) = try await keys.authenticate(secret: secret) else {
            throw APIError(
                .unauthorized, code: "invalid_api_key", message: "the API key is unknown or revoked",
                headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""])
        }
        guard tenant.clientID == clientID else {
            context.logger.warning(
                "API key used with another tenant's client id", metadata: ["client_id": "\(clientID)"])
            throw APIError(
                .forbidden, code: "wrong_tenant", message: "this API key does not belong to client \(clientID)")
        }
        guard tenant.status == .active else {
            throw APIError(.forbidden, code: "tenant_suspended", message: "tenant \(clientID) is suspended")
        }
        context.tenant = tenant
        context.apiKeyID = keyID
        context.logger[metadataKey: "tenant"] = .string(tenant.clientID)
        return try await next(request, context)
    }
}

/// Reads `Authorization: Bearer <token>` (scheme case-insensitive).
enum BearerToken {
    static func from(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop(while: { set.contains($0) }).reversed().drop(while: { set.contains($0) }).reversed())
    }
}

extension Set where Element == Character {
    fileprivate static let whitespaces: Set<Character> = [" ", "\t"]
}
