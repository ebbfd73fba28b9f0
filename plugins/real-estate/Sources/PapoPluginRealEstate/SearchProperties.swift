import Foundation
import PapoPluginKit

struct SearchArguments: Codable, Sendable {
    var city: String?
    var neighbourhood: String?
    var type: String?
    var purpose: String?
    var min_bedrooms: Int?
    var min_price: Double?
    var max_price: Double?
    var sort: String?
    var page: Int?
    var page_size: Int?
}

struct SearchResult: Encodable, Sendable {
    struct Summary: Encodable, Sendable {
        var code, title, type, purpose, city, neighbourhood: String
        var price: Double
        var condo_fee: Double
        var bedrooms: Int
        var area_m2: Double
        var parking_spaces: Int
    }

    var total: Int
    var page: Int
    var pages: Int
    var results: [Summary]
}

/// `search_properties`: filters, sorts and pages the listings.
enum SearchProperties {
    static let tool = Tool(
        "search_properties",
        "Busca imóveis para alugar ou comprar por cidade, bairro, tipo, quartos e faixa de preço. Preços em reais; aluguel é mensal.",
        parameters: [
            .string("city", "Cidade, por exemplo São Paulo", maxLength: 80),
            .string("neighbourhood", "Bairro, por exemplo Pinheiros", maxLength: 80),
            .string("type", "Tipo do imóvel", oneOf: ["apartamento", "casa", "studio", "cobertura", "sobrado"]),
            .string("purpose", "rent para aluguel, sale para venda", oneOf: ["rent", "sale"]),
            .integer("min_bedrooms", "Número mínimo de quartos", minimum: 0, maximum: 10),
            .number("min_price", "Preço mínimo em reais", minimum: 0),
            .number("max_price", "Preço máximo em reais", minimum: 0),
            .string("sort", "Ordem dos resultados", oneOf: ["price_asc", "price_desc", "area_desc", "newest"]),
            .integer("page", "Página, começando em 1", minimum: 1),
            .integer("page_size", "Resultados por página", minimum: 1, maximum: 20),
        ]
    ) { (arguments: SearchArguments, context: ToolContext) in
        let config = try context.config(RealEstateConfig.self)
        return search(try ListingCatalog.listings(configured: config.listings_file), arguments, config: config)
    }

    static func search(_ listings: [Listing], _ arguments: SearchArguments, config: RealEstateConfig) -> SearchResult {
        let city = (arguments.city ?? config.default_city).map(folded)
        let neighbourhood = arguments.neighbourhood.map(folded)
        var matches = listings.filter { listing in
            (config.include_unavailable == true || listing.available)
                && (city.map { folded(listing.city) == $0 } ?? true)
                && (neighbourhood.map { folded(listing.neighbourhood).contains($0) } ?? true)
                && (arguments.type.map { listing.type == $0 } ?? true)
                && (arguments.purpose.map { listing.purpose == $0 } ?? true)
                && listing.bedrooms >= (arguments.min_bedrooms ?? 0)
                && listing.price >= (arguments.min_price ?? 0)
                && listing.price <= (arguments.max_price ?? .infinity)
        }
        // Ties break on the code so paging is stable across calls.
        switch arguments.sort ?? "price_asc" {
        case "price_desc": matches.sort { ($0.price, $1.code) > ($1.price, $0.code) }
        case "area_desc": matches.sort { ($0.area_m2, $1.code) > ($1.area_m2, $0.code) }
        case "newest": matches.sort { ($0.listed_at, $1.code) > ($1.listed_at, $0.code) }
        default: matches.sort { ($0.price, $0.code) < ($1.price, $1.code) }
        }
        let size = min(arguments.page_size ?? config.max_results ?? 5, config.max_results ?? 20)
        let page = arguments.page ?? 1
        let pageItems = matches.dropFirst((page - 1) * size).prefix(size)
        return SearchResult(
            total: matches.count, page: page, pages: (matches.count + size - 1) / size,
            results: pageItems.map {
                SearchResult.Summary(
                    code: $0.code, title: $0.title, type: $0.type, purpose: $0.purpose, city: $0.city,
                    neighbourhood: $0.neighbourhood, price: $0.price, condo_fee: $0.condo_fee, bedrooms: $0.bedrooms,
                    area_m2: $0.area_m2, parking_spaces: $0.parking_spaces)
            })
    }
}
