import PapoPluginKit

/// The real-estate plugin: search, details, visits and financing over a listings file.
enum RealEstatePlugin {
    static func make() -> Plugin {
        Plugin(
            name: "real-estate", version: "1.0.0",
            description:
                "Imóveis para alugar e comprar: busca, detalhes, agendamento de visitas e simulação de financiamento.",
            tools: [SearchProperties.tool, PropertyDetails.tool, ScheduleVisit.tool, SimulateFinancing.tool])
    }
}

/// The plugin's C entry, found by the host with dlsym.
@_cdecl("papo_plugin_entry_v1")
public func papoPluginEntry(_ host: UnsafeRawPointer?) -> UnsafeRawPointer? {
    PluginExport.entry(host: host) { RealEstatePlugin.make() }
}
