import Foundation
import PapoPluginKit

struct VisitArguments: Codable, Sendable {
    var code: String
    var date: String
    var time: String
    var name: String?
}

/// A booked visit, as stored under `visit/<code>/<date>T<time>`.
struct Visit: Codable, Sendable {
    var confirmation_code: String
    var code: String
    var date: String
    var time: String
    var name: String?
    var customer_number: String?
    var conversation_id: String?
}

/// `schedule_visit`: books a slot in plugin storage, one visit per property and slot.
enum ScheduleVisit {
    static let tool = Tool(
        "schedule_visit",
        "Agenda uma visita a um imóvel. Confirme antes com o cliente o código, o dia e o horário.",
        parameters: [
            .string("code", "Código do imóvel", required: true, minLength: 3, maxLength: 20),
            .string("date", "Dia da visita no formato AAAA-MM-DD", required: true, minLength: 10, maxLength: 10),
            .string(
                "time", "Horário no formato HH:MM (de 30 em 30 minutos)", required: true, minLength: 5, maxLength: 5),
            .string("name", "Nome de quem vai visitar", maxLength: 80),
        ]
    ) { (arguments: VisitArguments, context: ToolContext) in
        let config = try context.config(RealEstateConfig.self)
        let listings = try ListingCatalog.listings(configured: config.listings_file)
        guard let listing = listings.first(where: { $0.code.uppercased() == arguments.code.uppercased() }) else {
            throw ToolError("não existe imóvel com o código \(arguments.code)")
        }
        let start = try slotStart(date: arguments.date, time: arguments.time)
        let notice = TimeInterval((config.min_notice_hours ?? 2) * 3600)
        guard start.timeIntervalSince(context.now) >= notice else {
            throw ToolError(
                "a visita precisa ser marcada com pelo menos \(config.min_notice_hours ?? 2) horas de antecedência")
        }
        guard start.timeIntervalSince(context.now) <= TimeInterval((config.max_days_ahead ?? 30) * 86400) else {
            throw ToolError("só é possível agendar até \(config.max_days_ahead ?? 30) dias à frente")
        }
        let key = "visit/\(listing.code)/\(arguments.date)T\(arguments.time)"
        if try context.storage.data(forKey: key) != nil {
            throw ToolError(
                "o horário \(arguments.time) de \(arguments.date) já está reservado para \(listing.code); ofereça outro horário"
            )
        }
        let visit = Visit(
            confirmation_code: "VIS-" + String(UUID().uuidString.prefix(8)), code: listing.code, date: arguments.date,
            time: arguments.time, name: arguments.name ?? context.customerName, customer_number: context.customerNumber,
            conversation_id: context.conversationId)
        try context.storage.set(visit, forKey: key)
        context.log(.info, "visit booked for \(listing.code) at \(arguments.date) \(arguments.time)")
        return visit
    }

    /// The slot's start, read as São Paulo time (UTC−3, no daylight saving since 2019).
    static func slotStart(date: String, time: String) throws -> Date {
        let parts = (date + "-" + time.replacingOccurrences(of: ":", with: "-")).split(separator: "-").compactMap {
            Int($0)
        }
        guard parts.count == 5, (0...23).contains(parts[3]), [0, 30].contains(parts[4]) else {
            throw ToolError("data ou horário inválido: use AAAA-MM-DD e HH:MM em horários cheios ou meias horas")
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "America/Sao_Paulo")!
        let components = DateComponents(
            year: parts[0], month: parts[1], day: parts[2], hour: parts[3], minute: parts[4])
        guard components.isValidDate(in: calendar), let start = calendar.date(from: components) else {
            throw ToolError("a data \(date) não existe")
        }
        return start
    }
}
