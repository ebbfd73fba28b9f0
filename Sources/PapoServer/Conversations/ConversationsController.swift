import Foundation
public import Hummingbird
import Logging
import NIOCore
import PapoCore
public import PapoStore

/// The conversations API: an inbox of a tenant's conversations, each with its transcript, and
/// the operator's controls — take over from the bot, hand back, close, and reply.
///
/// Every state change commits with its `conversation.updated` event and audit entry. Actions
/// that make no sense in the conversation's state (releasing a closed conversation, taking over
/// twice) answer 409 and change nothing.
public struct ConversationsController: Sendable {
    let conversations: ConversationStore

    /// Inbox pages hold at most this many conversations.
    static let maxPageSize = 200
    /// Transcripts show at most this many messages (the newest).
    static let maxTranscriptMessages = 1000

    public init(conversations: ConversationStore) {
        self.conversations = conversations
    }

    public func register(on group: RouterGroup<AppRequestContext>) {
        group.get("/conversations") { request, context -> InboxResponse in
            let tenant = try context.requireTenant()
            let (filter, start, limit) = try Self.inboxQuery(request.uri.queryParameters)
            return InboxResponse(
                page: try await conversations.inbox(tenantID: tenant.id, filter: filter, start: start, limit: limit))
        }
        group.get("/conversations/{id}") { request, context -> TranscriptResponse in
            let tenant = try context.requireTenant()
            let id = try Self.conversationID(context)
            let limit = try Self.integer(
                request.uri.queryParameters, "limit", default: 200, range: 1...Self.maxTranscriptMessages)
            guard
                let transcript = try await conversations.transcript(
                    conversationID: id, tenantID: tenant.id, limit: limit)
            else { throw Self.notFound(id) }
            return TranscriptResponse(transcript: transcript)
        }
        for action in ConversationAction.allCases {
            group.post("/conversations/{id}/\(action.rawValue)") { request, context -> ConversationResponse in
                try await apply(action, request: request, context: context)
            }
        }
        group.post("/conversations/{id}/messages") { request, context -> EditedResponse<OperatorReplyResponse> in
            try await reply(request: request, context: context)
        }
    }

    private func apply(
        _ action: ConversationAction, request: Request, context: AppRequestContext
    ) async throws -> ConversationResponse {
        var request = request
        let tenant = try context.requireTenant()
        let id = try Self.conversationID(context)
        let body = try await request.optionalJSONObject(context: context)
        let allowed: Set<String> = action == .release ? ["answer_pending"] : []
        var errors = body.keys.sorted().filter { !allowed.contains($0) }.map { FieldError($0, "unknown field") }
        let answerPending = body["answer_pending"]?.boolValue ?? false
        if let value = body["answer_pending"], value.boolValue == nil {
            errors.append(FieldError("answer_pending", "must be true or false"))
        }
        if !errors.isEmpty { throw APIError.validation(ValidationError(errors)) }
        let outcome = try await conversations.apply(
            action, conversationID: id, tenantID: tenant.id, actor: context.actor, answerPending: answerPending)
        switch outcome {
        case .changed(let conversation, let previous):
            context.logger.info(
                "conversation \(action.rawValue)",
                metadata: [
                    "conversation_id": "\(conversation.id)", "from": "\(previous.rawValue)",
                    "to": "\(conversation.state.rawValue)",
                ])
            return ConversationResponse(conversation: conversation)
        case .notFound:
            throw Self.notFound(id)
        case .refused(let current):
            throw APIError(.conflict, code: "invalid_transition", message: action.refusal(from: current))
        }
    }

    private func reply(
        request: Request, context: AppRequestContext
    ) async throws -> EditedResponse<
        OperatorReplyResponse
    > {
        var request = request
        let tenant = try context.requireTenant()
        let id = try Self.conversationID(context)
        let body = try await request.jsonObject(context: context)
        var errors = body.keys.sorted().filter { $0 != "text" }.map { FieldError($0, "unknown field") }
        let text = body["text"]?.stringValue ?? ""
        if body["text"] != nil, body["text"]?.stringValue == nil {
            errors.append(FieldError("text", "must be a string"))
        } else if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            errors.append(FieldError("text", "is required: the reply's text"))
        } else if text.count > WhatsAppLimits.textBody {
            errors.append(FieldError("text", "must be at most \(WhatsAppLimits.textBody) characters"))
        }
        if !errors.isEmpty { throw APIError.validation(ValidationError(errors)) }
        let outcome = try await conversations.queueOperatorReply(
            text: text, conversationID: id, tenantID: tenant.id, actor: context.actor)
        switch outcome {
        case .queued(let message, let conversation, let previous):
            context.logger.info(
                "operator reply queued",
                metadata: [
                    "conversation_id": "\(conversation.id)", "message_id": "\(message.id)",
                    "paused_bot": "\(previous != conversation.state)",
                ])
            return EditedResponse(
                status: .accepted,
                response: OperatorReplyResponse(
                    message: MessageStatusResponse(message),
                    conversation: ConversationResponse(conversation: conversation)
                ))
        case .notFound:
            throw Self.notFound(id)
        case .closed:
            throw APIError(
                .conflict, code: "conversation_closed",
                message: "the conversation is closed; write to the customer through POST /api/v1/messages/text")
        }
    }

    static func conversationID(_ context: AppRequestContext) throws -> UUID {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
            throw APIError.badRequest("the conversation id must be a UUID")
        }
        return id
    }

    static func notFound(_ id: UUID) -> APIError {
        APIError.notFound("no conversation \(id.uuidString.lowercased())")
    }

    /// Reads the inbox's query: `state` (comma-separated), `agent_id`, `customer`, `limit`, and
    /// where to start, `cursor` (from `next_cursor`) or `before` (an ISO 8601 time).
    static func inboxQuery(
        _ query: Parameters
    ) throws -> (ConversationStore.InboxFilter, ConversationStore.InboxStart, Int) {
        var errors: [FieldError] = []
        var filter = ConversationStore.InboxFilter()
        for text in (query.get("state") ?? "").split(separator: ",") {
            let name = text.trimmingCharacters(in: .whitespaces)
            if let state = ConversationState(rawValue: name) {
                filter.states.append(state)
            } else {
                let known = ConversationState.allCases.map(\.rawValue).joined(separator: ", ")
                errors.append(FieldError("state", "unknown state '\(name)'; one of \(known)"))
            }
        }
        if let agent = query.get("agent_id") {
            if let id = UUID(uuidString: agent) {
                filter.agentID = id
            } else {
                errors.append(FieldError("agent_id", "must be an agent id (a UUID)"))
            }
        }
        if let customer = query.get("customer") {
            do throws(FieldError) {
                filter.customer = try customerNumber(customer, field: "customer")
            } catch {
                errors.append(error)
            }
        }
        var start = ConversationStore.InboxStart.newest
        let cursor = query.get("cursor")
        let before = query.get("before")
        if cursor != nil, before != nil {
            errors.append(FieldError("cursor", "give either cursor or before, not both"))
        } else if let cursor {
            if let parsed = InboxCursor(cursor) {
                start = .after(parsed)
            } else {
                errors.append(FieldError("cursor", "is not a cursor this API returned (use next_cursor)"))
            }
        } else if let before {
            if let date = parseTimestamp(before) {
                start = .before(date)
            } else {
                errors.append(FieldError("before", "must be an ISO 8601 time, e.g. 2025-01-31T12:00:00Z"))
            }
        }
        var limit = 50
        do {
            limit = try integer(query, "limit", default: 50, range: 1...maxPageSize)
        } catch let error as APIError {
            errors.append(contentsOf: error.fields)
        }
        if !errors.isEmpty { throw APIError.validation(ValidationError(errors)) }
        return (filter, start, limit)
    }

    /// A customer as stored: a phone number's digits, or a provider identifier (`…@lid`) as is.
    static func customerNumber(_ text: String, field: String) throws(FieldError) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.contains("@") { return trimmed }
        return try PhoneNumber(trimmed, field: field).digits
    }

    static func integer(_ query: Parameters, _ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int
    {
        guard let text = query.get(name) else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw APIError.validation(
                ValidationError([
                    FieldError(name, "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
                ]))
        }
        return number
    }

    static func parseTimestamp(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.date(from: text)
    }
}

extension Request {
    /// Like ``jsonObject(context:)``, but an empty body reads as `{}`: for actions whose body
    /// is optional.
    mutating func optionalJSONObject(context: some RequestContext) async throws -> [String: JSONValue] {
        let buffer = try await collectBody(upTo: context.maxUploadSize)
        guard buffer.readableBytes > 0 else { return [:] }
        return try await jsonObject(context: context)
    }
}
