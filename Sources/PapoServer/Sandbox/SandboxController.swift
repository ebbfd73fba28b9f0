import Foundation
public import Hummingbird
import Logging
import PapoCore
import PapoProviders
public import PapoStore

/// The sandbox chat API: play a customer writing to the tenant's sandbox number, and read the
/// chat back from the database.
///
/// `POST /sandbox/messages` enters exactly where a provider webhook's message would: the
/// message is stored (with a `sandbox.` provider id), the conversation opened or extended and
/// its turn scheduled after the debounce. The in-process Sandbox (when the server has one) also
/// shows it in its history. `GET /sandbox/messages` reads the chat from the database, so it
/// works on any instance behind a load balancer, whichever one runs the turn.
public struct SandboxController: Sendable {
    let conversations: ConversationStore
    let sessions: SessionStore
    /// The server's Sandboxes; `nil` stores messages without the in-memory history.
    let directory: DefaultProviderDirectory?
    /// The same pause as for webhook messages, so a burst typed in the chat is answered once.
    let debounce: Duration

    /// Chat reads return at most this many messages.
    static let maxChatMessages = 500

    public init(
        conversations: ConversationStore, sessions: SessionStore, directory: DefaultProviderDirectory?,
        debounce: Duration = .seconds(3)
    ) {
        self.conversations = conversations
        self.sessions = sessions
        self.directory = directory
        self.debounce = debounce
    }

    public func register(on group: RouterGroup<AppRequestContext>) {
        group.post("/sandbox/messages") { request, context -> EditedResponse<SandboxReceiptResponse> in
            try await receive(request: request, context: context)
        }
        group.get("/sandbox/messages") { request, context -> SandboxChatResponse in
            let tenant = try context.requireTenant()
            let query = request.uri.queryParameters
            var errors: [FieldError] = []
            var customer: String?
            if let text = query.get("customer") {
                do throws(FieldError) {
                    customer = try ConversationsController.customerNumber(text, field: "customer")
                } catch {
                    errors.append(error)
                }
            } else {
                errors.append(FieldError("customer", "is required: the customer's number"))
            }
            var afterSeq: Int64 = 0
            if let text = query.get("after_seq") {
                if let value = Int64(text), value >= 0 {
                    afterSeq = value
                } else {
                    errors.append(FieldError("after_seq", "must be a whole number, 0 or more"))
                }
            }
            var limit = 200
            do {
                limit = try ConversationsController.integer(
                    query, "limit", default: 200, range: 1...Self.maxChatMessages)
            } catch let error as APIError {
                errors.append(contentsOf: error.fields)
            }
            if !errors.isEmpty { throw APIError.validation(ValidationError(errors)) }
            let session = try await sandboxSession(tenantID: tenant.id, name: query.get("session"))
            let messages = try await conversations.chat(
                tenantID: tenant.id, sessionID: session.id, customer: customer ?? "", afterSeq: afterSeq, limit: limit)
            return SandboxChatResponse(
                session: session.name, messages: messages.map(TranscriptMessageResponse.init),
                lastSeq: messages.last?.seq ?? afterSeq)
        }
    }

    private func receive(
        request: Request, context: AppRequestContext
    ) async throws -> EditedResponse<SandboxReceiptResponse> {
        var request = request
        let tenant = try context.requireTenant()
        let body = try await request.jsonObject(context: context)
        var errors: [FieldError] = []
        let known: Set<String> = ["from", "text", "name", "session"]
        for key in body.keys.sorted() where !known.contains(key) { errors.append(FieldError(key, "unknown field")) }
        var customer: PhoneNumber?
        if let from = body["from"]?.stringValue {
            do throws(FieldError) {
                customer = try PhoneNumber(from, field: "from")
            } catch {
                errors.append(error)
            }
        } else {
            errors.append(FieldError("from", "is required: the customer's phone number"))
        }
        let text = body["text"]?.stringValue ?? ""
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            errors.append(FieldError("text", "is required: what the customer writes"))
        } else if text.count > WhatsAppLimits.textBody {
            errors.append(FieldError("text", "must be at most \(WhatsAppLimits.textBody) characters"))
        }
        let name = body["name"]?.stringValue
        if body["name"] != nil, !(1...200).contains(name?.count ?? 0) {
            errors.append(FieldError("name", "must be a string of 1 to 200 characters"))
        }
        if body["session"] != nil, body["session"]?.stringValue == nil {
            errors.append(FieldError("session", "must be a session name"))
        }
        guard errors.isEmpty, let customer else { throw APIError.validation(ValidationError(errors)) }
        let session = try await sandboxSession(tenantID: tenant.id, name: body["session"]?.stringValue)

        // Through the session's Sandbox when this server runs one, so its history (and anyone
        // watching it) sees the customer too; the store below is what the engine acts on.
        let inbound =
            directory?.sandbox(for: session).receive(from: customer, text: text, name: name)
            ?? InboundMessage(
                sessionKey: session.id.uuidString.lowercased(),
                providerMessageID: "sandbox." + UUID().uuidString.lowercased(), from: customer.digits,
                phoneNumber: customer, timestamp: Date(), kind: .text, content: ["body": .string(text)], text: text,
                contactName: name)
        let outcome = try await conversations.recordInbound(
            .init(
                tenantID: tenant.id, sessionID: session.id, provider: .sandbox,
                providerMessageID: inbound.providerMessageID, customerNumber: customer.digits, kind: .text,
                content: inbound.content, replyTo: nil, receivedAt: inbound.timestamp),
            customerName: name, debounce: debounce)
        context.logger.info(
            "sandbox message received",
            metadata: ["conversation_id": "\(outcome.conversationID.map { "\($0)" } ?? "-")"])
        return EditedResponse(
            status: .accepted,
            response: SandboxReceiptResponse(
                messageId: outcome.messageID?.uuidString.lowercased(),
                providerMessageId: inbound.providerMessageID,
                conversationId: outcome.conversationID?.uuidString.lowercased(),
                state: outcome.state?.rawValue, pendingTurnAt: outcome.pendingTurnAt, session: session.name))
    }

    /// The named session, or the tenant's default (a sandbox is created for a tenant without
    /// one); anything but a sandbox session is refused, since its customers are real people.
    private func sandboxSession(tenantID: UUID, name: String?) async throws -> SessionRecord {
        guard let session = try await sessions.resolve(tenantID: tenantID, name: name) else {
            throw APIError.validation(
                ValidationError([FieldError("session", "tenant has no session named '\(name ?? "")'")]))
        }
        guard session.provider == .sandbox else {
            throw APIError.validation(
                ValidationError([
                    FieldError(
                        "session",
                        "session '\(session.name)' is a \(session.provider.rawValue) number, not a sandbox; name a sandbox session"
                    )
                ]))
        }
        return session
    }
}

/// What `POST /sandbox/messages` stored.
struct SandboxReceiptResponse: ResponseEncodable {
    var messageId: String?
    var providerMessageId: String
    var conversationId: String?
    var state: String?
    var pendingTurnAt: Date?
    var session: String

    enum CodingKeys: String, CodingKey {
        case state, session
        case messageId = "message_id"
        case providerMessageId = "provider_message_id"
        case conversationId = "conversation_id"
        case pendingTurnAt = "pending_turn_at"
    }
}

/// `GET /sandbox/messages`: the chat after `after_seq`, and where to continue from.
struct SandboxChatResponse: ResponseEncodable {
    var session: String
    var messages: [TranscriptMessageResponse]
    var lastSeq: Int64

    enum CodingKeys: String, CodingKey {
        case session, messages
        case lastSeq = "last_seq"
    }
}
