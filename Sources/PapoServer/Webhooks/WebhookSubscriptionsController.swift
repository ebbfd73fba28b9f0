import Foundation
public import Hummingbird
import PapoCore
public import PapoStore

/// The tenant's outgoing webhooks: subscriptions (`/webhooks/subscriptions`) and the delivery
/// log with manual redelivery (`/webhooks/deliveries`). Every query is the authenticated
/// tenant's; another tenant's ids answer 404.
public struct WebhookSubscriptionsController: Sendable {
    let store: WebhookStore
    let box: SecretBox?

    public init(store: WebhookStore, box: SecretBox?) {
        self.store = store
        self.box = box
    }

    public func register(on group: RouterGroup<AppRequestContext>) {
        group.post("/webhooks/subscriptions") { request, context -> EditedResponse<CreatedSubscriptionResponse> in
            var request = request
            let tenant = try context.requireTenant()
            guard let box else {
                throw APIError(
                    .serviceUnavailable, code: "encryption_not_configured",
                    message: "set PAPO_ENCRYPTION_KEY to store webhook secrets")
            }
            let body = try await request.jsonObject(context: context)
            let input = try Self.validate(body)
            let secret = input.secret ?? "whsec_" + SecretToken.random(length: 40)
            let (sealed, keyID) = try box.seal(Data(secret.utf8))
            let subscription = try await store.createSubscription(
                tenantID: tenant.id, url: input.url, eventTypes: input.eventTypes, sealedSecret: sealed,
                secretKeyID: keyID, actor: context.actor)
            return EditedResponse(
                status: .created,
                response: CreatedSubscriptionResponse(
                    subscription: SubscriptionResponse(subscription), secret: secret,
                    note: "store this secret now: it is shown only once"))
        }
        group.get("/webhooks/subscriptions") { _, context -> SubscriptionListResponse in
            let tenant = try context.requireTenant()
            return SubscriptionListResponse(
                subscriptions: try await store.subscriptions(tenantID: tenant.id).map(SubscriptionResponse.init))
        }
        group.delete("/webhooks/subscriptions/{id}") { _, context -> Response in
            let tenant = try context.requireTenant()
            let id = try Self.uuid(context, "id", what: "subscription")
            guard try await store.deleteSubscription(id: id, tenantID: tenant.id, actor: context.actor) else {
                throw APIError.notFound("no webhook subscription \(id.uuidString.lowercased())")
            }
            return Response(status: .noContent)
        }
        group.get("/webhooks/deliveries") { request, context -> DeliveryListResponse in
            let tenant = try context.requireTenant()
            let query = request.uri.queryParameters
            var errors: [FieldError] = []
            var status: WebhookDelivery.Status?
            if let text = query.get("status"), !text.isEmpty {
                status = WebhookDelivery.Status(rawValue: text)
                if status == nil {
                    let known = WebhookDelivery.Status.allCases.map(\.rawValue).joined(separator: ", ")
                    errors.append(FieldError("status", "must be one of \(known)"))
                }
            }
            let subscriptionID = try Self.optionalUUID(query.get("subscription_id"), field: "subscription_id", &errors)
            let before = try Self.optionalUUID(query.get("before"), field: "before", &errors)
            let limitText = query.get("limit")
            let limit = limitText.map { Int($0) ?? -1 } ?? 50
            if !(1...200).contains(limit) { errors.append(FieldError("limit", "must be a whole number from 1 to 200")) }
            if !errors.isEmpty { throw APIError.validation(ValidationError(errors)) }
            let page = try await store.deliveries(
                tenantID: tenant.id, status: status, subscriptionID: subscriptionID, before: before, limit: limit)
            return DeliveryListResponse(
                deliveries: page.map(DeliveryResponse.init),
                nextBefore: page.count == limit ? page.last?.id.uuidString.lowercased() : nil)
        }
        group.post("/webhooks/deliveries/{id}/redeliver") { _, context -> EditedResponse<DeliveryResponse> in
            let tenant = try context.requireTenant()
            let id = try Self.uuid(context, "id", what: "delivery")
            switch try await store.redeliver(id: id, tenantID: tenant.id, actor: context.actor) {
            case .queued(let delivery):
                return EditedResponse(status: .accepted, response: DeliveryResponse(delivery))
            case .notFound:
                throw APIError.notFound("no webhook delivery \(id.uuidString.lowercased())")
            case .alreadyQueued:
                throw APIError(
                    .conflict, code: "delivery_in_progress", message: "the delivery is still queued or being sent")
            case .subscriptionInactive:
                throw APIError(
                    .conflict, code: "subscription_inactive",
                    message: "the subscription was deactivated; create a new one to receive events again")
            }
        }
    }

    struct Input {
        var url: String
        var eventTypes: [String]
        var secret: String?
    }

    static func validate(_ body: [String: JSONValue]) throws -> Input {
        var errors: [FieldError] = []
        let known: Set<String> = ["url", "event_types", "secret"]
        for key in body.keys.sorted() where !known.contains(key) { errors.append(FieldError(key, "unknown field")) }
        let url = body["url"]?.stringValue?.trimmingCharacters(in: .whitespaces) ?? ""
        if let problem = urlProblem(url) { errors.append(FieldError("url", problem)) }
        var eventTypes: [String] = []
        switch body["event_types"] {
        case nil, .null?:
            break
        case .array(let values)?:
            let names = EventType.allCases.map(\.rawValue)
            for (index, value) in values.enumerated() {
                guard let name = value.stringValue, names.contains(name) else {
                    errors.append(
                        FieldError("event_types[\(index)]", "must be one of \(names.joined(separator: ", "))"))
                    continue
                }
                if !eventTypes.contains(name) { eventTypes.append(name) }
            }
        default:
            errors.append(FieldError("event_types", "must be an array of event types (empty for all)"))
        }
        var secret: String?
        if let value = body["secret"], value != .null {
            if let text = value.stringValue, (16...256).contains(text.count),
                !text.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value > 0x7E })
            {
                secret = text
            } else {
                errors.append(FieldError("secret", "must be 16 to 256 printable ASCII characters, without spaces"))
            }
        }
        if !errors.isEmpty { throw APIError.validation(ValidationError(errors)) }
        return Input(url: url, eventTypes: eventTypes, secret: secret)
    }

    static func urlProblem(_ url: String) -> String? {
        if url.isEmpty { return "is required: the http(s) URL to POST events to" }
        if url.count > 2048 { return "must be at most 2048 characters" }
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https"
        else { return "must be an absolute http:// or https:// URL" }
        guard let host = components.host, !host.isEmpty else { return "must name a host" }
        if components.user != nil || components.password != nil {
            return "must not carry credentials; the signature authenticates Papo"
        }
        if components.fragment != nil { return "must not have a #fragment" }
        return nil
    }

    static func uuid(_ context: AppRequestContext, _ name: String, what: String) throws -> UUID {
        guard let id = context.parameters.get(name).flatMap(UUID.init(uuidString:)) else {
            throw APIError.badRequest("the \(what) id must be a UUID", code: "invalid_id")
        }
        return id
    }

    static func optionalUUID(_ text: String?, field: String, _ errors: inout [FieldError]) throws -> UUID? {
        guard let text, !text.isEmpty else { return nil }
        guard let id = UUID(uuidString: text) else {
            errors.append(FieldError(field, "must be a UUID"))
            return nil
        }
        return id
    }
}

struct SubscriptionResponse: ResponseEncodable {
    var id: String
    var url: String
    var eventTypes: [String]
    var active: Bool
    var deactivatedReason: String?
    var createdAt: Date

    init(_ subscription: WebhookSubscription) {
        id = subscription.id.uuidString.lowercased()
        url = subscription.url
        eventTypes = subscription.eventTypes
        active = subscription.active
        deactivatedReason = subscription.deactivatedReason
        createdAt = subscription.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, url, active
        case eventTypes = "event_types"
        case deactivatedReason = "deactivated_reason"
        case createdAt = "created_at"
    }
}

struct CreatedSubscriptionResponse: ResponseEncodable {
    var subscription: SubscriptionResponse
    var secret: String
    var note: String
}

struct SubscriptionListResponse: ResponseEncodable {
    var subscriptions: [SubscriptionResponse]
}

struct DeliveryResponse: ResponseEncodable {
    var id: String
    var subscriptionId: String
    var eventId: String
    var eventType: String
    var status: String
    var attempts: Int
    var nextAttemptAt: Date?
    var lastStatusCode: Int?
    var lastError: String?
    var deliveredAt: Date?
    var createdAt: Date
    var payload: JSONValue

    init(_ delivery: WebhookDelivery) {
        id = delivery.id.uuidString.lowercased()
        subscriptionId = delivery.subscriptionID.uuidString.lowercased()
        eventId = delivery.eventID.uuidString.lowercased()
        eventType = delivery.eventType
        status = delivery.status.rawValue
        attempts = delivery.attempts
        nextAttemptAt = delivery.status == .pending ? delivery.nextAttemptAt : nil
        lastStatusCode = delivery.lastStatusCode
        lastError = delivery.lastError
        deliveredAt = delivery.deliveredAt
        createdAt = delivery.createdAt
        payload = delivery.payload
    }

    enum CodingKeys: String, CodingKey {
        case id, status, attempts, payload
        case subscriptionId = "subscription_id"
        case eventId = "event_id"
        case eventType = "event_type"
        case nextAttemptAt = "next_attempt_at"
        case lastStatusCode = "last_status_code"
        case lastError = "last_error"
        case deliveredAt = "delivered_at"
        case createdAt = "created_at"
    }
}

struct DeliveryListResponse: ResponseEncodable {
    var deliveries: [DeliveryResponse]
    var nextBefore: String?

    enum CodingKeys: String, CodingKey {
        case deliveries
        case nextBefore = "next_before"
    }
}
