import Foundation
import PapoPluginKit

/// A support ticket, stored under `ticket/<protocol>`; `customer/<number>/<protocol>` indexes
/// a customer's tickets for `list_my_tickets`.
struct Ticket: Codable, Sendable {
    var protocol_number: String
    var category: String
    var priority: String
    var subject: String
    var description: String
    var status: String
    var customer_number: String?
    var customer_name: String?
    var created_at: String
}

struct CreateTicketArguments: Codable, Sendable {
    var category: String
    var subject: String
    var description: String
    var priority: String?
}

struct TicketStatusArguments: Codable, Sendable {
    var protocol_number: String
}

struct ListTicketsArguments: Codable, Sendable {
    var limit: Int?
}

/// `create_ticket`, `ticket_status` and `list_my_tickets`.
enum Tickets {
    static let categories = [
        "duvida", "problema_tecnico", "cobranca", "entrega", "troca_devolucao", "privacidade", "outro",
    ]

    static let create = Tool(
        "create_ticket", "Abre um chamado de suporte e devolve o número de protocolo para o cliente.",
        parameters: [
            .string("category", "Categoria do chamado", required: true, oneOf: categories),
            .string("subject", "Resumo em uma linha", required: true, minLength: 3, maxLength: 120),
            .string("description", "O problema nas palavras do cliente", required: true, minLength: 3, maxLength: 2000),
            .string("priority", "Prioridade", oneOf: ["baixa", "normal", "alta"]),
        ]
    ) { (arguments: CreateTicketArguments, context: ToolContext) in
        let config = try context.config(SupportConfig.self)
        if let allowed = config.categories, !allowed.contains(arguments.category) {
            throw ToolError("categoria não permitida; use uma de: \(allowed.joined(separator: ", "))")
        }
        // A per-tenant sequence; storage has no compare-and-swap, so two tickets opened in the
        // same instant could race — the date prefix and the existence check below bound that.
        let sequence = (try context.storage.value(Int.self, forKey: "sequence") ?? 0) + 1
        try context.storage.set(sequence, forKey: "sequence")
        let day = ISO8601DateFormatter.string(
            from: context.now, timeZone: TimeZone(identifier: "America/Sao_Paulo")!,
            formatOptions: [.withYear, .withMonth, .withDay])
        let number = day + String(format: "%06d", sequence)
        guard try context.storage.data(forKey: "ticket/\(number)") == nil else {
            throw ToolError("não foi possível gerar o protocolo agora; tente de novo")
        }
        let ticket = Ticket(
            protocol_number: number, category: arguments.category,
            priority: arguments.priority ?? config.default_priority ?? "normal", subject: arguments.subject,
            description: arguments.description, status: "aberto", customer_number: context.customerNumber,
            customer_name: context.customerName, created_at: ISO8601DateFormatter().string(from: context.now))
        try context.storage.set(ticket, forKey: "ticket/\(number)")
        if let customer = context.customerNumber {
            try context.storage.set(Data(), forKey: "customer/\(customer)/\(number)")
        }
        return ticket
    }

    static let status = Tool(
        "ticket_status", "Consulta a situação de um chamado pelo número de protocolo.",
        parameters: [.string("protocol_number", "Número do protocolo", required: true, minLength: 4, maxLength: 20)]
    ) { (arguments: TicketStatusArguments, context: ToolContext) in
        let config = try context.config(SupportConfig.self)
        let digits = arguments.protocol_number.filter(\.isNumber)
        guard let ticket = try context.storage.value(Ticket.self, forKey: "ticket/\(digits)"),
            config.only_own_tickets == false || ticket.customer_number == context.customerNumber
        else { throw ToolError("não encontrei o protocolo \(arguments.protocol_number) para este número de WhatsApp") }
        return ticket
    }

    static let list = Tool(
        "list_my_tickets", "Lista os chamados do cliente desta conversa, do mais recente ao mais antigo.",
        parameters: [.integer("limit", "Quantos chamados mostrar", minimum: 1, maximum: 20)]
    ) { (arguments: ListTicketsArguments, context: ToolContext) in
        let config = try context.config(SupportConfig.self)
        guard let customer = context.customerNumber else { throw ToolError("o número do cliente é desconhecido") }
        let prefix = "customer/\(customer)/"
        let numbers = try context.storage.keys(prefix: prefix).map { String($0.dropFirst(prefix.count)) }
        let limit = arguments.limit ?? config.limit ?? 5
        let tickets = try numbers.reversed().prefix(limit).compactMap {
            try context.storage.value(Ticket.self, forKey: "ticket/\($0)")
        }
        return ["tickets": tickets]
    }
}
