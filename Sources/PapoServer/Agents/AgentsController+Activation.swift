import Foundation
public import Hummingbird
import Logging
import PapoCore
import PapoStore

extension AgentsController {
    /// `POST /agents/{id}/activate` and `/deactivate`: an inactive agent keeps its settings and
    /// assignments but is skipped by routing, so a tenant can pause one agent without deleting
    /// it. Repeating either is harmless and answers the agent as it is.
    public func registerActivation(on group: RouterGroup<AppRequestContext>) {
        for (path, active) in [("activate", true), ("deactivate", false)] {
            group.post("/agents/{id}/\(path)") { _, context -> AgentResponse in
                let tenant = try context.requireTenant()
                guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
                    throw APIError.badRequest("the agent id must be a UUID")
                }
                guard
                    let agent = try await conversations.configureAgent(
                        id: id, tenantID: tenant.id, name: nil, overrides: nil, active: active, isDefault: nil)
                else { throw APIError.notFound("no agent \(id.uuidString.lowercased())") }
                context.logger.info("agent \(path)d", metadata: ["agent_id": "\(agent.id)"])
                return AgentResponse(agent)
            }
        }
    }
}
