import Foundation
public import Hummingbird
import Logging
import NIOCore
import PapoCore
public import PapoStore

/// Webhooks a tenant's own systems call: inject a customer message, report a delivery status,
/// or queue a send from a Supabase database webhook — plus the route that issues their secret.
public struct TenantWebhooksController: Sendable {
    let tenants: TenantStore
    let messages: MessageStore
    let sessions: SessionStore
    let box: SecretBox?
    var auth: TenantWebhookAuth { TenantWebhookAuth(tenants: tenants, box: box) }

    public init(tenants: TenantStore, messages: MessageStore, sessions: SessionStore, box: SecretBox?) {
        self.tenants = tenants
        self.messages = messages
        self.sessions = sessions
        self.box = box
    }

    /// `POST /api/v1/tenant/webhook-secret` (tenant auth): a new secret, shown once.
    public func registerSecretRoute(on group: RouterGroup<AppRequestContext>) {
        group.post("/tenant/webhook-secret") { _, context -> EditedResponse<[String: String]> in
            let tenant = try context.requireTenant()
            guard let box else {
                throw APIError(
                    .serviceUnavailable, code: "encryption_not_configured",
                    message: "set PAPO_ENCRYPTION_KEY to store webhook secrets")
            }
            let secret = "whsec_" + SecretToken.random(length: 40)
            let (sealed, keyID) = try box.seal(Data(secret.utf8))
            try await tenants.setInboundSecret(tenantID: tenant.id, sealed: sealed, keyID: keyID, actor: context.actor)
            return EditedResponse(
                status: .created,
                response: [
                    "secret": secret, "note": "store this secret now: it is shown only once; it replaces the old one",
                ])
        }
    }

    /// The signed webhooks themselves (no API key: the signature authenticates).
    public func registerWebhooks(on group: RouterGroup<AppRequestContext>) {
        group.post("/webhooks/incoming-message") { request, context -> Response in
            let (tenant, body) = try await signedBody(request, context: context)
            var reader = InboundFields(body: body)
            let from = reader.phone("from")
            let messageID = reader.string("message_id", max: 200)
            let text = reader.string("text", max: 4096)
            let name = reader.optionalString("name")
            let sessionName = reader.optionalString("session")
            guard reader.errors.isEmpty, let from, let messageID, let text else {
                throw APIError.validation(ValidationError(reader.errors))
            }
            guard let session = try await sessions.resolve(tenantID: tenant.id, name: sessionName) else {
                throw APIError.validation(
                    ValidationError([FieldError("session", "no session named '\(sessionName ?? "")'")]))
            }
            // External ids get their own namespace so they can never collide with a provider's.
            try await ConversationStore(pool: messages.pool).recordInbound(
                .init(
                    tenantID: tenant.id, sessionID: session.id, provider: session.provider,
                    providerMessageID: "ext:" + messageID, customerNumber: from.digits, kind: .text,
                    content: .object(["body": .string(text)]), replyTo: nil, receivedAt: Date()),
                customerName: name, debounce: .seconds(3))
            return Response(status: .ok)
        }
        group.post("/webhooks/status-update") { request, context -> Response in
            let (tenant, body) = try await signedBody(request, context: context)
            var reader = InboundFields(body: body)
            let id = reader.string("id", max: 64).flatMap(UUID.init(uuidString:))
            let status = reader.string("status", max: 20).flatMap(MessageStatus.init(rawValue:))
            if id == nil { reader.errors.append(FieldError("id", "must be the id Papo returned for the message")) }
            if status == nil || status == .received || status == .queued {
                reader.errors.append(
                    FieldError("status", "must be one of sending, sent, delivered, read, played, failed"))
            }
            guard reader.errors.isEmpty, let id, let status else {
                throw APIError.validation(ValidationError(reader.errors))
            }
            guard let message = try await messages.message(id: id, tenantID: tenant.id) else {
                throw APIError.notFound("no message \(id.uuidString.lowercased())")
            }
            guard let providerID = message.providerMessageID else {
                throw APIError(
                    .conflict, code: "not_sent_yet", message: "the message has not been handed to a provider yet")
            }
            let error = body["error"]?.objectValue
            try await messages.applyStatus(
                tenantID: tenant.id, provider: message.provider, providerMessageID: providerID, status: status,
                at: Date(), errorCode: error?["code"]?.stringValue, errorMessage: error?["message"]?.stringValue)
            return Response(status: .ok)
        }
        group.post("/webhooks/supabase") { request, context -> EditedResponse<[String: String]> in
            var request = request
            let tenant = try await auth.verifyHeaderSecret(request)
            let body = try await request.jsonObject(context: context)
            guard body["type"]?.stringValue == "INSERT", case .object(var record)? = body["record"] else {
                return EditedResponse(status: .ok, response: ["result": "ignored: only INSERT records queue a send"])
            }
            let table = body["table"]?.stringValue ?? "outbound"
            let rowID = record.removeValue(forKey: "id").map { $0.stringValue ?? $0.jsonText }
            let endpointName = record.removeValue(forKey: "endpoint")?.stringValue ?? "text"
            for column in ["created_at", "updated_at", "status"] { record[column] = nil }
            guard let endpoint = SendRequest.Endpoint(rawValue: endpointName) else {
                throw APIError.validation(
                    ValidationError([FieldError("record.endpoint", "unknown endpoint \(endpointName)")]))
            }
            let parsed: SendRequest
            switch SendRequest.parse(record, endpoint: endpoint) {
            case .success(let value): parsed = value
            case .failure(let error):
                throw APIError.validation(
                    ValidationError(error.fields.map { FieldError("record." + $0.field, $0.message) }))
            }
            guard let session = try await sessions.resolve(tenantID: tenant.id, name: parsed.session) else {
                throw APIError.validation(ValidationError([FieldError("record.session", "no such session")]))
            }
            // The row id makes a redelivered database webhook a no-op.
            let result = try await messages.enqueue(
                .init(
                    tenantID: tenant.id, session: session, customerNumber: parsed.recipient.digits,
                    type: parsed.message.kind.rawValue, content: .object(parsed.content),
                    idempotencyKey: rowID.map { "supabase:\(table):\($0)" }, replyTo: parsed.message.replyTo))
            switch result {
            case .created(let message), .replayed(let message), .conflict(let message):
                return EditedResponse(
                    status: .accepted, response: ["result": "queued", "id": message.id.uuidString.lowercased()])
            }
        }
    }

    private func signedBody(
        _ request: Request, context: AppRequestContext
    ) async throws -> (Tenant, [String: JSONValue]) {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw APIError(.contentTooLarge, code: "payload_too_large", message: "the body is larger than 1 MiB")
        }
        let data = Data(buffer.readableBytesView)
        let tenant = try await auth.verifySigned(request, body: data)
        guard case .object(let body)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
            throw APIError.badRequest("the body must be a JSON object", code: "invalid_json")
        }
        return (tenant, body)
    }
}

/// Field reading with named errors for the small inbound webhook bodies.
struct InboundFields {
    let body: [String: JSONValue]
    var errors: [FieldError] = []

    mutating func string(_ field: String, max: Int) -> String? {
        guard let text = body[field]?.stringValue, !text.isEmpty else {
            errors.append(FieldError(field, "is required (a string)"))
            return nil
        }
        guard text.count <= max else {
            errors.append(FieldError(field, "must be at most \(max) characters"))
            return nil
        }
        return text
    }

    func optionalString(_ field: String) -> String? { body[field]?.stringValue }

    mutating func phone(_ field: String) -> PhoneNumber? {
        guard let text = string(field, max: 32) else { return nil }
        do throws(FieldError) {
            return try PhoneNumber(text, field: field)
        } catch {
            errors.append(error)
            return nil
        }
    }
}
