import Foundation
public import Hummingbird
import Logging
import PapoCore
public import PapoEngine
public import PapoStore

/// The agents API: a tenant's agents are templates plus overrides, one of them the default.
/// Templates are checked against the loaded library, so an agent never names a template that
/// does not exist.
public struct AgentsController: Sendable {
    let conversations: ConversationStore
    let templates: AgentTemplateLibrary?

    public init(conversations: ConversationStore, templates: AgentTemplateLibrary?) {
        self.conversations = conversations
        self.templates = templates
    }

    public func register(on group: RouterGroup<AppRequestContext>) {
        group.get("/agents/templates") { _, _ -> TemplateListResponse in
            let loaded = templates?.templates ?? []
            return TemplateListResponse(
                templates: loaded.sorted { $0.id < $1.id }.map {
                    .init(
                        id: $0.id, name: $0.name, description: $0.description, language: $0.language,
                        capabilities: $0.capabilities.map(\.tool))
                },
                errors: (templates?.errors ?? []).map {
                    .init(file: $0.file, line: $0.line, column: $0.column, path: $0.path, message: $0.message)
                })
        }
        group.post("/agents/create") { request, context -> EditedResponse<AgentResponse> in
            var request = request
            let tenant = try context.requireTenant()
            let body = try await request.jsonObject(context: context)
            var errors: [FieldError] = []
            let name = body["name"]?.stringValue?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
            if !(1...200).contains(name.count) { errors.append(FieldError("name", "is required: 1 to 200 characters")) }
            let templateID = body["template_id"]?.stringValue ?? ""
            if let problem = templateProblem(templateID) { errors.append(FieldError("template_id", problem)) }
            let overrides = body["overrides"]
            if let overrides, overrides.objectValue == nil {
                errors.append(FieldError("overrides", "must be an object"))
            }
            let isDefault = body["default"]?.boolValue ?? false
            let known: Set<String> = ["name", "template_id", "overrides", "default"]
            for key in body.keys.sorted() where !known.contains(key) { errors.append(FieldError(key, "unknown field")) }
            if errors.isEmpty, let members = overrides?.objectValue {
                errors += overrideProblems(members, templateID: templateID)
            }
            if !errors.isEmpty { throw APIError.validation(ValidationError(errors)) }
            let agent = try await conversations.createAgent(
                tenantID: tenant.id, name: name, templateID: templateID, overrides: overrides?.objectValue ?? [:],
                isDefault: isDefault)
            return EditedResponse(status: .created, response: AgentResponse(agent))
        }
        group.get("/agents/list") { _, context -> [String: [AgentResponse]] in
            let tenant = try context.requireTenant()
            return ["agents": try await conversations.agents(tenantID: tenant.id).map(AgentResponse.init)]
        }
        group.put("/agents/{id}/configure") { request, context -> AgentResponse in
            var request = request
            let tenant = try context.requireTenant()
            let id = try agentID(context)
            let body = try await request.jsonObject(context: context)
            var errors: [FieldError] = []
            let known: Set<String> = ["name", "overrides", "active", "default"]
            for key in body.keys.sorted() where !known.contains(key) { errors.append(FieldError(key, "unknown field")) }
            if let overrides = body["overrides"], overrides.objectValue == nil {
                errors.append(FieldError("overrides", "must be an object"))
            }
            if let name = body["name"]?.stringValue, !(1...200).contains(name.count) {
                errors.append(FieldError("name", "must be 1 to 200 characters"))
            }
            if errors.isEmpty, let members = body["overrides"]?.objectValue {
                guard let current = try await conversations.agents(tenantID: tenant.id).first(where: { $0.id == id })
                else { throw APIError.notFound("no agent \(id.uuidString.lowercased())") }
                errors += overrideProblems(members, templateID: current.templateID)
            }
            if !errors.isEmpty { throw APIError.validation(ValidationError(errors)) }
            guard
                let agent = try await conversations.configureAgent(
                    id: id, tenantID: tenant.id, name: body["name"]?.stringValue,
                    overrides: body["overrides"]?.objectValue,
                    active: body["active"]?.boolValue, isDefault: body["default"]?.boolValue)
            else { throw APIError.notFound("no agent \(id.uuidString.lowercased())") }
            return AgentResponse(agent)
        }
        group.post("/agents/{id}/assign-conversation") { request, context -> Response in
            var request = request
            let tenant = try context.requireTenant()
            let id = try agentID(context)
            let body = try await request.jsonObject(context: context)
            guard let conversationID = body["conversation_id"]?.stringValue.flatMap(UUID.init(uuidString:)) else {
                throw APIError.validation(
                    ValidationError([FieldError("conversation_id", "is required: a conversation id")]))
            }
            guard try await conversations.agents(tenantID: tenant.id).contains(where: { $0.id == id }) else {
                throw APIError.notFound("no agent \(id.uuidString.lowercased())")
            }
            guard try await conversations.assignAgent(id, conversationID: conversationID, tenantID: tenant.id) else {
                throw APIError.notFound("no conversation \(conversationID.uuidString.lowercased())")
            }
            return Response(status: .noContent)
        }
        group.delete("/agents/{id}") { _, context -> Response in
            let tenant = try context.requireTenant()
            let id = try agentID(context)
            guard try await conversations.deleteAgent(id: id, tenantID: tenant.id) else {
                throw APIError.notFound("no agent \(id.uuidString.lowercased())")
            }
            return Response(status: .noContent)
        }
    }

    private func agentID(_ context: AppRequestContext) throws -> UUID {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
            throw APIError.badRequest("the agent id must be a UUID")
        }
        return id
    }

    /// Overrides are checked like a template file: merged over the template, then decoded
    /// (unknown keys are errors) and validated. Each problem is reported at
    /// `overrides.<path>`.
    private func overrideProblems(_ overrides: [String: JSONValue], templateID: String) -> [FieldError] {
        guard let template = templates?.template(id: templateID) else { return [] }
        if overrides["id"] != nil { return [FieldError("overrides.id", "the template id cannot be overridden")] }
        return template.applying(overrides).errors.map { error in
            FieldError(error.path.isEmpty ? "overrides" : "overrides.\(error.path)", error.message)
        }
    }

    private func templateProblem(_ id: String) -> String? {
        guard let templates else { return nil }
        if templates.template(id: id) != nil { return nil }
        let known = templates.templates.map(\.id).sorted().joined(separator: ", ")
        return id.isEmpty ? "is required: one of \(known)" : "no template '\(id)'; loaded: \(known)"
    }
}

struct AgentResponse: ResponseEncodable {
    var id: String
    var name: String
    var templateId: String
    var overrides: [String: JSONValue]
    var active: Bool
    var isDefault: Bool
    var createdAt: Date

    init(_ agent: AgentRecord) {
        id = agent.id.uuidString.lowercased()
        name = agent.name
        templateId = agent.templateID
        overrides = agent.overrides
        active = agent.active
        isDefault = agent.isDefault
        createdAt = agent.createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, overrides, active
        case templateId = "template_id"
        case isDefault = "default"
        case createdAt = "created_at"
    }
}

struct TemplateListResponse: ResponseEncodable {
    struct Template: Encodable {
        var id: String
        var name: String
        var description: String
        var language: String
        var capabilities: [String]
    }

    struct Problem: Encodable {
        var file: String
        var line: Int
        var column: Int
        var path: String
        var message: String
    }

    var templates: [Template]
    var errors: [Problem]
}
