/// The agent's `config:` for the real-estate tools; every field optional.
struct RealEstateConfig: Decodable {
    var listings_file: String?
    var max_results: Int?
    var include_unavailable: Bool?
    var default_city: String?
    var show_exact_address: Bool?
    var max_photos: Int?
    var duration_minutes: Int?
    var min_notice_hours: Int?
    var max_days_ahead: Int?
    var annual_interest_rate_percent: Double?
    var max_term_months: Int?
    var min_down_payment_percent: Double?
}
