import Foundation
public import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
import PapoCore
public import PapoProviders
public import PapoStore

/// `GET/POST /api/v1/webhooks/meta`: the Cloud API's verification handshake and its
/// notifications.
///
/// The signature (`X-Hub-Signature-256`, HMAC-SHA256 of the raw body with the app secret) is
/// checked before anything is read. Messages are stored once (a redelivery is a no-op) and
/// statuses only ever move forward. The answer is immediate: Meta expects a fast 200.
public struct MetaWebhookController: Sendable {
    let webhook: MetaWebhook?
    let messages: MessageStore
    /// Without the global secrets, each session's own (stored sealed at initialise) are used.
    let sessionSecrets: SessionMetaSecrets?

    public init(webhook: MetaWebhook?, messages: MessageStore, box: SecretBox? = nil) {
        self.webhook = webhook
        self.messages = messages
        sessionSecrets = box.map { SessionMetaSecrets(sessions: SessionStore(pool: messages.pool), box: $0) }
    }

    public func register(on group: RouterGroup<AppRequestContext>) {
        group.get("/webhooks/meta") { request, _ -> Response in
            let query = request.uri.queryParameters
            let webhooks = try await verifiers()
            guard
                let challenge = webhooks.lazy.compactMap({
                    $0.challengeResponse(
                        mode: query.get("hub.mode"), verifyToken: query.get("hub.verify_token"),
                        challenge: query.get("hub.challenge"))
                }).first
            else {
                throw APIError(.forbidden, code: "verification_failed", message: "hub.verify_token does not match")
            }
            return Response(
                status: .ok, headers: [.contentType: "text/plain"],
                body: .init(byteBuffer: ByteBuffer(string: challenge)))
        }
        group.post("/webhooks/meta") { request, context -> Response in
            var request = request
            let buffer = try await request.collectBody(upTo: 4 << 20)
            let body = Data(buffer.readableBytesView)
            guard try await isSigned(body, signature: request.headers[.hubSignature]) else {
                throw APIError(
                    .unauthorized, code: "invalid_signature", message: "X-Hub-Signature-256 does not match the body")
            }
            let events: [InboundEvent]
            do {
                events = try MetaWebhook.parse(body)
            } catch {
                throw APIError.badRequest("the notification is not a WhatsApp Business payload: \(error)")
            }
            try await ingest(events, logger: context.logger)
            return Response(status: .ok)
        }
    }

    private static let notConfigured = APIError(
        .notFound, code: "meta_not_configured",
        message:
            "the Meta webhook is off; set PAPO_META_APP_SECRET and PAPO_META_VERIFY_TOKEN, or connect a Meta session")

    /// The global verifier, else every Meta session's own.
    private func verifiers() async throws -> [MetaWebhook] {
        if let webhook { return [webhook] }
        guard let sessionSecrets else { throw Self.notConfigured }
        let all = try await sessionSecrets.allWebhooks()
        guard !all.isEmpty else { throw Self.notConfigured }
        return all
    }

    /// Checks the signature with the global app secret, else with the app secret of the session
    /// owning each number the notification names (all of them must match).
    private func isSigned(_ body: Data, signature: String?) async throws -> Bool {
        if let webhook { return webhook.isValidSignature(signature, body: body) }
        guard let sessionSecrets else { throw Self.notConfigured }
        let numbers = SessionMetaSecrets.phoneNumberIDs(in: body)
        guard !numbers.isEmpty else { return false }
        for number in numbers {
            guard let webhook = try await sessionSecrets.webhook(phoneNumberID: number),
                webhook.isValidSignature(signature, body: body)
            else { return false }
        }
        return true
    }

    func ingest(_ events: [InboundEvent], logger: Logger) async throws {
        try await InboundIngest(messages: messages, sessions: SessionStore(pool: messages.pool))
            .ingest(events, provider: .meta, logger: logger) { phoneNumberID in
                try await messages.session(provider: .meta, externalID: phoneNumberID)
            }
    }
}

extension HTTPField.Name {
    /// Meta's webhook signature: `sha256=<hex HMAC of the raw body>`.
    public static let hubSignature = HTTPField.Name("X-Hub-Signature-256")!
}
