public import Foundation
public import PapoCore
import PapoPostgres

/// A business using Papo.
public struct Tenant: Sendable, Equatable, Codable {
    public var id: UUID
    /// The public handle sent as `X-Client-Id`.
    public var clientID: String
    public var name: String
    public var status: TenantStatus
    public var timezone: String
    public var defaultLanguage: String
    public var preferredProvider: ProviderKind
    public var fallbackProvider: ProviderKind?
    public var webhookURL: String?
    /// Free-form business data (address, opening hours, …) that agents can quote.
    public var business: [String: JSONValue]
    public var createdAt: Date
    public var updatedAt: Date

    /// The columns every tenant query selects, in the order `init(row:)` reads them.
    static let columnNames = [
        "id", "client_id", "name", "status", "timezone", "default_language", "preferred_provider",
        "fallback_provider", "webhook_url", "business", "created_at", "updated_at",
    ]
    static let columns = SQLQuery(stringLiteral: columnNames.joined(separator: ", "))

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        clientID = try row.decode("client_id")
        name = try row.decode("name")
        status = TenantStatus(rawValue: try row.decode("status")) ?? .suspended
        timezone = try row.decode("timezone")
        defaultLanguage = try row.decode("default_language")
        preferredProvider = ProviderKind(rawValue: try row.decode("preferred_provider")) ?? .sandbox
        fallbackProvider = try row.decode("fallback_provider", as: String?.self).flatMap(ProviderKind.init(rawValue:))
        webhookURL = try row.decode("webhook_url")
        business = try row.decodeJSON("business")
        createdAt = try row.decode("created_at")
        updatedAt = try row.decode("updated_at")
    }
}

/// A stored API key, without its secret.
public struct APIKeyRecord: Sendable, Equatable, Codable {
    public var id: UUID
    /// `nil` for admin keys.
    public var tenantID: UUID?
    /// The first characters of the key, to tell keys apart in listings.
    public var prefix: String
    public var name: String
    public var createdAt: Date
    /// When the key stops working; in the future during a rotation's grace period.
    public var revokedAt: Date?
    public var lastUsedAt: Date?

    static let columns: SQLQuery = "id, tenant_id, prefix, name, created_at, revoked_at, last_used_at"

    init(row: PostgresRow) throws {
        id = try row.decode("id")
        tenantID = try row.decode("tenant_id")
        prefix = try row.decode("prefix")
        name = try row.decode("name")
        createdAt = try row.decode("created_at")
        revokedAt = try row.decode("revoked_at")
        lastUsedAt = try row.decode("last_used_at")
    }

    /// Whether the key is usable at `now`.
    public func isActive(at now: Date = Date()) -> Bool {
        revokedAt.map { $0 > now } ?? true
    }
}

/// A freshly created key: the only moment its secret exists outside the client's hands.
public struct IssuedAPIKey: Sendable {
    public var record: APIKeyRecord
    public var secret: String
}
