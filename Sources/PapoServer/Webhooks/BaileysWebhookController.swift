import Foundation
import HTTPTypes
public import Hummingbird
import Logging
import NIOCore
public import PapoCore
import PapoProviders
public import PapoStore

/// `POST /api/v1/webhooks/baileys/{session}`: events from an Evolution API v2 gateway.
///
/// The gateway presents the session's secret in `X-Papo-Webhook-Secret`; it is compared with
/// the stored SHA-256 in constant time before the body is parsed. A wrong secret is a 401 and
/// stores nothing.
public struct BaileysWebhookController: Sendable {
    let sessions: SessionStore
    let ingest: InboundIngest

    public init(sessions: SessionStore, messages: MessageStore, reconnect: Backoff = SessionConnector.defaultBackoff) {
        self.sessions = sessions
        ingest = InboundIngest(messages: messages, sessions: sessions, reconnect: reconnect)
    }

    public func register(on group: RouterGroup<AppRequestContext>) {
        group.post("/webhooks/baileys/{session}") { request, context -> Response in
            var request = request
            guard let sessionID = context.parameters.get("session").flatMap(UUID.init(uuidString:)),
                let (session, secretHash) = try await sessions.webhookTarget(sessionID: sessionID, provider: .baileys)
            else {
                throw APIError.notFound("no Baileys session with that id")
            }
            let presented = request.headers[HTTPField.Name(EvolutionWebhook.defaultSecretHeader)!] ?? ""
            guard let secretHash, APIKeyHash.constantTimeEquals(APIKeyHash.digest(of: presented), secretHash) else {
                throw APIError(.unauthorized, code: "invalid_secret", message: "the webhook secret is wrong")
            }
            let buffer = try await request.collectBody(upTo: 16 << 20)
            let events: [InboundEvent]
            do {
                events = try EvolutionWebhook.parse(Data(buffer.readableBytesView))
            } catch {
                throw APIError.badRequest("the body is not an Evolution API event: \(error)")
            }
            // The URL names the session; the body's instance name is informational.
            try await ingest.ingest(events, provider: .baileys, logger: context.logger) { _ in
                (session.tenantID, session.id)
            }
            return Response(status: .ok)
        }
    }
}
