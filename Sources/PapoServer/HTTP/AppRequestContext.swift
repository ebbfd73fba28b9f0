public import Foundation
public import Hummingbird
public import HummingbirdWebSocket
public import NIOCore
public import PapoStore

/// Per-request state: the request id and, after authentication, the tenant.
public struct AppRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Carries a route's WebSocket handler from the upgrade request to the upgraded connection.
    public let webSocket = WebSocketHandlerReference<AppRequestContext>()
    /// Set by ``RequestIDMiddleware``.
    public var requestID: String = ""
    /// Set by ``TenantAuthMiddleware`` on tenant routes.
    public var tenant: Tenant?
    /// The key used, for the audit trail (its id, never the secret).
    public var apiKeyID: UUID?
    /// Set by ``AdminAuthMiddleware`` on admin routes.
    public var isAdmin = false

    /// The connection, so a realtime stream can be cut when its client stops reading.
    public let channel: any Channel

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// Bodies larger than this are refused with 413 before they are read whole.
    public var maxUploadSize: Int { 1 << 20 }

    /// Response types spell their snake_case keys out: a key strategy would also rewrite keys
    /// inside free-form objects (a tenant's `business` data) that must pass through untouched.
    public var responseEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The authenticated tenant; routes behind the tenant middleware may rely on it.
    public func requireTenant() throws -> Tenant {
        guard let tenant else {
            throw APIError(
                .unauthorized, code: "unauthenticated", message: "this route needs X-Client-Id and an API key")
        }
        return tenant
    }

    /// Who is acting, for audit entries.
    public var actor: String {
        if isAdmin { return "admin" }
        return apiKeyID.map { "api_key:\($0.uuidString.lowercased())" } ?? "anonymous"
    }
}
