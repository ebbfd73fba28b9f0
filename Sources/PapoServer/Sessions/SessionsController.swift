import Foundation
public import Hummingbird
import Logging
import PapoCore
import PapoProviders
public import PapoStore

/// `POST /sessions/initialize`, `GET /sessions/status`, `DELETE /sessions/disconnect`: a
/// tenant connects numbers (several per tenant, each with a name), watches them and lets them go.
///
/// Initialising a name that exists re-initialises that same session — same id, so its messages
/// and conversations stay attached: new credentials replace the old ones, a Baileys session gets
/// a fresh gateway instance and QR code, and the reconnect count starts over. A name keeps its
/// provider; connecting another provider needs another name.
public struct SessionsController: Sendable {
    let sessions: SessionStore
    let connector: SessionConnector?

    public init(sessions: SessionStore, connector: SessionConnector?) {
        self.sessions = sessions
        self.connector = connector
    }

    public func register(on group: RouterGroup<AppRequestContext>) {
        group.post("/sessions/initialize") { request, context -> EditedResponse<OneSessionResponse> in
            var request = request
            let tenant = try context.requireTenant()
            let body = try await request.jsonObject(context: context)
            let setup = try SessionSetup.parse(body)
            let session: SessionDetails
            switch setup.provider {
            case .sandbox:
                session = try await SessionConnector.initializeSandbox(
                    sessions: sessions, tenantID: tenant.id, name: setup.name, makeDefault: setup.makeDefault)
            case .meta:
                guard let connector, let meta = setup.meta else { throw SessionAPIError.notConfigured }
                session = try await connector.initializeMeta(
                    tenantID: tenant.id, name: setup.name, setup: meta, makeDefault: setup.makeDefault)
            case .baileys:
                guard let connector, let baileys = setup.baileys else { throw SessionAPIError.notConfigured }
                session = try await connector.initializeBaileys(
                    tenantID: tenant.id, name: setup.name, setup: baileys, makeDefault: setup.makeDefault)
            }
            context.logger.info(
                "session initialised",
                metadata: [
                    "session_id": "\(session.id.uuidString.lowercased())", "provider": "\(setup.provider.rawValue)",
                    "status": "\(session.state.rawValue)",
                ])
            return EditedResponse(status: .ok, response: OneSessionResponse(session: SessionResponse(session)))
        }
        group.get("/sessions/status") { request, context -> Response in
            let tenant = try context.requireTenant()
            guard let session = try await selected(request, tenantID: tenant.id, required: false) else {
                let list = SessionListResponse(
                    sessions: try await sessions.details(tenantID: tenant.id).map(SessionResponse.init))
                return try list.response(from: request, context: context)
            }
            return try OneSessionResponse(session: SessionResponse(session)).response(from: request, context: context)
        }
        group.delete("/sessions/disconnect") { request, context -> DisconnectResponse in
            let tenant = try context.requireTenant()
            guard let session = try await selected(request, tenantID: tenant.id, required: true) else {
                throw APIError.notFound("no such session")
            }
            let (updated, outcome): (SessionDetails, String)
            if let connector {
                (updated, outcome) = try await connector.disconnect(session)
            } else {
                (updated, outcome) = try await SessionConnector.forget(session, sessions: sessions)
            }
            context.logger.info(
                "session disconnected", metadata: ["session_id": "\(session.id.uuidString.lowercased())"])
            return DisconnectResponse(session: SessionResponse(updated), providerLogout: outcome)
        }
    }

    /// The session named by `?id=` or `?name=`; `nil` when neither is given and not `required`.
    /// Another tenant's session is a 404, exactly like a missing one.
    func selected(_ request: Request, tenantID: UUID, required: Bool) async throws -> SessionDetails? {
        let query = request.uri.queryParameters
        let id: String? = query.get("id")
        let name: String? = query.get("name")
        switch (id, name) {
        case (let id?, nil):
            guard let uuid = UUID(uuidString: id) else {
                throw APIError.validation(ValidationError([FieldError("id", "must be a session id (UUID)")]))
            }
            guard let session = try await sessions.details(id: uuid, tenantID: tenantID) else {
                throw APIError.notFound("no session with id \(id)")
            }
            return session
        case (nil, let name?):
            guard let session = try await sessions.details(name: name, tenantID: tenantID) else {
                throw APIError.notFound("no session named '\(name)'")
            }
            return session
        case (nil, nil):
            guard !required else {
                throw APIError.validation(ValidationError([FieldError("id", "give the session's id or name")]))
            }
            return nil
        case (_?, _?):
            throw APIError.validation(ValidationError([FieldError("name", "give either id or name, not both")]))
        }
    }
}

/// A validated `POST /sessions/initialize` body.
struct SessionSetup {
    var provider: ProviderKind
    var name: String
    var makeDefault: Bool
    var meta: SessionConnector.MetaSetup?
    var baileys: SessionConnector.BaileysSetup?

    static let common = ["provider", "name", "default"]
    static let metaFields = [
        "phone_number_id", "access_token", "app_secret", "verify_token", "base_url", "api_version",
    ]
    static let baileysFields = ["gateway_url", "api_key", "phone_number"]

    /// Reports every problem at once, each under the field's name.
    static func parse(_ body: [String: JSONValue]) throws -> SessionSetup {
        var errors: [FieldError] = []
        func text(_ field: String, required: Bool, maxLength: Int = 2000) -> String? {
            guard let value = body[field], !value.isNull else {
                if required { errors.append(FieldError(field, "is required")) }
                return nil
            }
            guard let string = value.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) else {
                errors.append(FieldError(field, "must be a string, got \(value.typeName)"))
                return nil
            }
            guard !string.isEmpty, string.count <= maxLength else {
                errors.append(FieldError(field, "must be 1 to \(maxLength) characters"))
                return nil
            }
            return string
        }
        func url(_ field: String, required: Bool) -> String? {
            guard let value = text(field, required: required) else { return nil }
            guard let parsed = URL(string: value), ["http", "https"].contains(parsed.scheme?.lowercased() ?? ""),
                parsed.host?.isEmpty == false
            else {
                errors.append(FieldError(field, "must be an http or https URL"))
                return nil
            }
            return value.hasSuffix("/") ? String(value.dropLast()) : value
        }
        let providerName = text("provider", required: true)
        let provider = providerName.flatMap(ProviderKind.init(rawValue:))
        if providerName != nil, provider == nil {
            errors.append(FieldError("provider", "must be one of meta, baileys, sandbox"))
        }
        let name = text("name", required: true, maxLength: 100)
        if let name, !name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) }) {
            errors.append(FieldError("name", "may contain only letters, digits, '-', '_' and '.'"))
        }
        var makeDefault = false
        if let value = body["default"], !value.isNull {
            if let flag = value.boolValue {
                makeDefault = flag
            } else {
                errors.append(FieldError("default", "must be true or false"))
            }
        }
        var setup = SessionSetup(provider: provider ?? .sandbox, name: name ?? "", makeDefault: makeDefault)
        var allowed = common
        switch provider {
        case .meta:
            allowed += metaFields
            let phoneNumberID = text("phone_number_id", required: true, maxLength: 64)
            if let phoneNumberID, !phoneNumberID.allSatisfy(\.isNumber) {
                errors.append(FieldError("phone_number_id", "must be the numeric id Meta shows for the number"))
            }
            let token = text("access_token", required: true, maxLength: 4096)
            let appSecret = text("app_secret", required: true, maxLength: 256)
            let verifyToken = text("verify_token", required: true, maxLength: 256)
            let baseURL = url("base_url", required: false)
            let version = text("api_version", required: false, maxLength: 16)
            if let version, version.first != "v" || Double(version.dropFirst()) == nil {
                errors.append(FieldError("api_version", "must look like v25.0"))
            }
            if let phoneNumberID, let token, let appSecret, let verifyToken {
                setup.meta = .init(
                    phoneNumberID: phoneNumberID, accessToken: token, appSecret: appSecret, verifyToken: verifyToken,
                    baseURL: baseURL, apiVersion: version)
            }
        case .baileys:
            allowed += baileysFields
            let gateway = url("gateway_url", required: true)
            let key = text("api_key", required: true, maxLength: 512)
            var number: PhoneNumber?
            if let raw = text("phone_number", required: false, maxLength: 32) {
                do {
                    number = try PhoneNumber(raw, field: "phone_number")
                } catch {
                    errors.append(error)
                }
            }
            if let gateway, let key {
                setup.baileys = .init(gatewayURL: gateway, apiKey: key, pairingNumber: number)
            }
        case .sandbox, nil:
            break
        }
        if let provider {
            for key in body.keys.sorted() where !allowed.contains(key) {
                errors.append(FieldError(key, "unknown field for provider \(provider.rawValue)"))
            }
        }
        guard errors.isEmpty else { throw APIError.validation(ValidationError(errors)) }
        return setup
    }
}
