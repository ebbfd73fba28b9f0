import Foundation
public import Hummingbird
import PapoCore
public import PapoPlugins

/// `GET /api/v1/plugins`: every plugin found, its version, tools (with argument schemas),
/// whether it runs isolated, and why it failed to load when it did.
public struct PluginsController: Sendable {
    let host: PluginHost?

    public init(host: PluginHost?) {
        self.host = host
    }

    public func register(on group: RouterGroup<AppRequestContext>) {
        group.get("/plugins") { _, context -> PluginListResponse in
            _ = try context.requireTenant()
            guard let host else { return PluginListResponse(plugins: []) }
            let tools = Dictionary(host.tools.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
            return PluginListResponse(
                plugins: host.plugins.map { plugin in
                    var failure: String?
                    if case .failed(let reason) = plugin.state { failure = reason }
                    return .init(
                        name: plugin.name, version: plugin.version, description: plugin.description, path: plugin.path,
                        isolated: plugin.isolated, state: failure == nil ? "loaded" : "failed", error: failure,
                        tools: plugin.tools.compactMap { tools[$0] }.map {
                            .init(
                                name: $0.name, description: $0.description, parameters: $0.parameters,
                                timeoutMs: Int(
                                    $0.timeout.components.seconds * 1000 + $0.timeout.components.attoseconds
                                        / 1_000_000_000_000_000))
                        })
                })
        }
    }
}

struct PluginListResponse: ResponseEncodable {
    struct Plugin: Encodable {
        var name: String
        var version: String
        var description: String
        var path: String
        var isolated: Bool
        var state: String
        var error: String?
        var tools: [Tool]
    }

    struct Tool: Encodable {
        var name: String
        var description: String
        var parameters: JSONValue
        var timeoutMs: Int

        enum CodingKeys: String, CodingKey {
            case name, description, parameters
            case timeoutMs = "timeout_ms"
        }
    }

    var plugins: [Plugin]
}
