import PapoPluginKit

/// The support plugin: knowledge-base search and tickets.
enum SupportPlugin {
    static func make() -> Plugin {
        Plugin(
            name: "support", version: "1.0.0",
            description: "Central de ajuda (busca BM25 em artigos Markdown) e chamados com protocolo.",
            tools: [SearchKnowledgeBase.tool, Tickets.create, Tickets.status, Tickets.list])
    }
}

/// The plugin's C entry, found by the host with dlsym.
@_cdecl("papo_plugin_entry_v1")
public func papoPluginEntry(_ host: UnsafeRawPointer?) -> UnsafeRawPointer? {
    PluginExport.entry(host: host) { SupportPlugin.make() }
}
