import Foundation
public import Hummingbird
import PapoStore

/// Guards `/api/v1/admin`: the bearer token must equal `PAPO_ADMIN_KEY`, compared in constant
/// time through its SHA-256. Without a configured key the admin API is closed.
public struct AdminAuthMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let adminKeyDigest: Data?

    public init(adminKey: String?) {
        adminKeyDigest = adminKey.flatMap { $0.isEmpty ? nil : APIKeyHash.digest(of: $0) }
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        guard let expected = adminKeyDigest else {
            throw APIError(
                .forbidden, code: "admin_disabled",
                message: "the admin API is disabled; set PAPO_ADMIN_KEY (or use `papo tenants create`)")
        }
        guard let secret = BearerToken.from(request) else {
            throw APIError(
                .unauthorized, code: "missing_api_key", message: "send the admin key as Authorization: Bearer <key>",
                headers: [.wwwAuthenticate: "Bearer"])
        }
        guard APIKeyHash.constantTimeEquals(APIKeyHash.digest(of: secret), expected) else {
            throw APIError(.unauthorized, code: "invalid_admin_key", message: "the admin key is wrong")
        }
        var context = context
        context.isAdmin = true
        return try await next(request, context)
    }
}
