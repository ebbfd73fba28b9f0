import Foundation
import Logging
import PapoCore
import PapoProviders
import PapoStore

/// Stores normalised provider events for one session: messages once (redeliveries are
/// no-ops), statuses only forward, operator messages recorded, connection changes applied.
struct InboundIngest: Sendable {
    let messages: MessageStore
    let sessions: SessionStore
    /// Customer messages open or extend a conversation and schedule its turn after this pause,
    /// so a burst of messages is answered once.
    var debounce: Duration = .seconds(3)
    /// Reconnect pacing after a gateway reports a transient close.
    var reconnect: Backoff = SessionConnector.defaultBackoff

    var conversations: ConversationStore { ConversationStore(pool: messages.pool) }

    func ingest(
        _ events: [InboundEvent], provider: ProviderKind, logger: Logger,
        target: (String) async throws -> (tenantID: UUID, sessionID: UUID)?
    ) async throws {
        for event in events {
            switch event {
            case .message(let message), .operatorMessage(let message):
                guard let (tenantID, sessionID) = try await target(message.sessionKey) else {
                    logger.warning("message for an unknown session", metadata: ["session_key": "\(message.sessionKey)"])
                    continue
                }
                let record = MessageStore.NewInbound(
                    tenantID: tenantID, sessionID: sessionID, provider: provider,
                    providerMessageID: message.providerMessageID,
                    customerNumber: message.phoneNumber?.digits ?? message.from, kind: message.kind,
                    content: message.content, replyTo: message.replyTo, receivedAt: message.timestamp)
                if case .operatorMessage = event {
                    // A human answered from the business phone: record it and pause the bot.
                    try await conversations.recordOperatorMessage(record, pause: true)
                } else {
                    try await conversations.recordInbound(record, customerName: message.contactName, debounce: debounce)
                }
            case .status(let update):
                guard let (tenantID, _) = try await target(update.sessionKey) else { continue }
                try await messages.applyStatus(
                    tenantID: tenantID, provider: provider, providerMessageID: update.providerMessageID,
                    status: update.status, at: update.timestamp, errorCode: update.error?.code,
                    errorMessage: update.error?.message)
            case .connection(let sessionKey, let connection):
                guard let (tenantID, sessionID) = try await target(sessionKey) else { continue }
                // Publishes session.status / session.qr and schedules reconnects by the policy.
                try await sessions.record(
                    SessionMonitor.report(connection), sessionID: sessionID, tenantID: tenantID, backoff: reconnect)
            }
        }
    }
}
