import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import PapoCore
import PapoStore

/// Authenticates calls that a tenant's own systems make to the generic inbound webhooks.
///
/// Signed calls carry `X-Client-Id`, `X-Papo-Timestamp` (Unix seconds) and
/// `X-Papo-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`; the
/// timestamp must be within five minutes, so a captured call cannot be replayed later.
/// Supabase database webhooks cannot compute a signature, so they send the secret itself in
/// `X-Papo-Webhook-Secret` (compared in constant time).
struct TenantWebhookAuth: Sendable {
    let tenants: TenantStore
    let box: SecretBox?
    static let tolerance: TimeInterval = 300

    func secret(for request: Request) async throws -> (Tenant, Data) {
        guard let box else {
            throw APIError(
                .serviceUnavailable, code: "encryption_not_configured",
                message: "set PAPO_ENCRYPTION_KEY to use tenant-signed webhooks")
        }
        guard let clientID = request.headers[.clientID], !clientID.isEmpty else {
            throw APIError(.unauthorized, code: "missing_client_id", message: "send the tenant's id in X-Client-Id")
        }
        guard let stored = try await tenants.inboundSecret(clientID: clientID) else {
            throw APIError(
                .unauthorized, code: "no_webhook_secret",
                message: "no webhook secret for this client; create one with POST /api/v1/tenant/webhook-secret")
        }
        guard stored.tenant.status == .active else {
            throw APIError(.forbidden, code: "tenant_suspended", message: "tenant \(clientID) is suspended")
        }
        return (stored.tenant, try box.open(stored.sealed, keyID: stored.keyID))
    }

    /// Checks the timestamped HMAC over the raw body.
    func verifySigned(_ request: Request, body: Data, now: Date = Date()) async throws -> Tenant {
        let (tenant, secret) = try await secret(for: request)
        guard let timestampText = request.headers[.papoTimestamp], let timestamp = TimeInterval(timestampText),
            abs(now.timeIntervalSince1970 - timestamp) <= Self.tolerance
        else {
            throw APIError(
                .unauthorized, code: "stale_timestamp",
                message: "X-Papo-Timestamp must be the current Unix time in seconds (within 5 minutes)")
        }
        guard let header = request.headers[.papoSignature], header.hasPrefix("sha256="),
            let signature = Data(hex: String(header.dropFirst(7)))
        else {
            throw APIError(.unauthorized, code: "invalid_signature", message: "X-Papo-Signature must be sha256=<hex>")
        }
        var signed = Data((timestampText + ".").utf8)
        signed.append(body)
        guard
            HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: signed, using: SymmetricKey(data: secret))
        else {
            throw APIError(
                .unauthorized, code: "invalid_signature", message: "X-Papo-Signature does not match the body")
        }
        return tenant
    }

    /// Checks the secret sent as a header (Supabase).
    func verifyHeaderSecret(_ request: Request) async throws -> Tenant {
        let (tenant, secret) = try await secret(for: request)
        let presented = Data((request.headers[.papoWebhookSecret] ?? "").utf8)
        guard
            APIKeyHash.constantTimeEquals(
                APIKeyHash.digest(of: String(decoding: presented, as: UTF8.self)),
                APIKeyHash.digest(of: String(decoding: secret, as: UTF8.self)))
        else {
            throw APIError(.unauthorized, code: "invalid_secret", message: "X-Papo-Webhook-Secret is wrong")
        }
        return tenant
    }
}

extension HTTPField.Name {
    static let papoTimestamp = HTTPField.Name("X-Papo-Timestamp")!
    static let papoSignature = HTTPField.Name("X-Papo-Signature")!
    static let papoWebhookSecret = HTTPField.Name("X-Papo-Webhook-Secret")!
}
