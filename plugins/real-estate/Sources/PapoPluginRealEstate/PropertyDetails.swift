import PapoPluginKit

struct DetailsArguments: Codable, Sendable {
    var code: String
}

/// `property_details`: one listing by code, with the address hidden unless configured.
enum PropertyDetails {
    static let tool = Tool(
        "property_details", "Mostra os detalhes de um imóvel pelo código (por exemplo AP-1001).",
        parameters: [.string("code", "Código do imóvel", required: true, minLength: 3, maxLength: 20)]
    ) { (arguments: DetailsArguments, context: ToolContext) in
        let config = try context.config(RealEstateConfig.self)
        let listings = try ListingCatalog.listings(configured: config.listings_file)
        guard var listing = listings.first(where: { $0.code.uppercased() == arguments.code.uppercased() }) else {
            throw ToolError("não existe imóvel com o código \(arguments.code)")
        }
        if config.show_exact_address != true {
            // Street only: the number is given by the broker at the visit.
            listing.address = String(listing.address.prefix { $0 != "," })
        }
        listing.photos = Array(listing.photos.prefix(config.max_photos ?? 5))
        return listing
    }
}
