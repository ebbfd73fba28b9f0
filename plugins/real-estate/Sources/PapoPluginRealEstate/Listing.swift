import Foundation
import PapoPluginKit
import Synchronization

/// One property of the listings file.
struct Listing: Codable, Sendable {
    var code: String
    var title: String
    var type: String
    var purpose: String
    var city: String
    var state: String
    var neighbourhood: String
    var address: String
    var price: Double
    var condo_fee: Double
    var iptu_yearly: Double
    var area_m2: Double
    var bedrooms: Int
    var bathrooms: Int
    var parking_spaces: Int
    var features: [String]
    var description: String
    var available: Bool
    var listed_at: String
    var photos: [String]
}

/// The listings, loaded once per file and kept: the dataset is small and read-only.
enum ListingCatalog {
    private static let cache = Mutex<[String: [Listing]]>([:])

    /// The listings of `configured` (the agent's `listings_file`), else the shipped sample.
    static func listings(configured: String?) throws -> [Listing] {
        guard let url = PluginResources.locate("listings.json", plugin: "real-estate", configured: configured) else {
            throw ToolError("o arquivo de imóveis não foi encontrado")
        }
        if let cached = cache.withLock({ $0[url.path] }) { return cached }
        do {
            let listings = try JSONDecoder().decode([Listing].self, from: Data(contentsOf: url))
            cache.withLock { $0[url.path] = listings }
            return listings
        } catch {
            throw ToolError("o arquivo de imóveis é inválido: \(error)")
        }
    }
}

/// Accent- and case-insensitive text comparison ("tatuape" finds "Tatuapé").
func folded(_ text: String) -> String {
    text.folding(options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "pt_BR"))
        .trimmingCharacters(in: .whitespaces)
}
