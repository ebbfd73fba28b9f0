import Foundation
import PapoPluginKit

struct FinancingArguments: Codable, Sendable {
    var price: Double
    var down_payment: Double
    var term_months: Int
    var annual_interest_rate_percent: Double?
    var system: String?
}

struct FinancingResult: Encodable, Sendable {
    struct Plan: Encodable, Sendable {
        var system: String
        var first_instalment: Double
        var last_instalment: Double
        var total_paid: Double
        var total_interest: Double
    }

    var financed_amount: Double
    var term_months: Int
    var annual_interest_rate_percent: Double
    var monthly_interest_rate_percent: Double
    var plans: [Plan]
}

/// `simulate_financing`: SAC (constant amortisation) and PRICE (constant instalment).
enum SimulateFinancing {
    static let tool = Tool(
        "simulate_financing",
        "Simula o financiamento de um imóvel nos sistemas SAC e PRICE: primeira e última parcela e juros totais.",
        parameters: [
            .number("price", "Valor do imóvel em reais", required: true, minimum: 1),
            .number("down_payment", "Entrada em reais", required: true, minimum: 0),
            .integer("term_months", "Prazo em meses", required: true, minimum: 12, maximum: 420),
            .number(
                "annual_interest_rate_percent", "Taxa efetiva anual em %, por exemplo 11.5", minimum: 0, maximum: 50),
            .string("system", "Sistema de amortização", oneOf: ["SAC", "PRICE", "both"]),
        ]
    ) { (arguments: FinancingArguments, context: ToolContext) in
        let config = try context.config(RealEstateConfig.self)
        guard arguments.term_months <= config.max_term_months ?? 420 else {
            throw ToolError("o prazo máximo é de \(config.max_term_months ?? 420) meses")
        }
        let minimumDown = arguments.price * (config.min_down_payment_percent ?? 20) / 100
        guard arguments.down_payment >= minimumDown, arguments.down_payment < arguments.price else {
            throw ToolError(
                "a entrada deve ser de pelo menos \(Int(config.min_down_payment_percent ?? 20))% (R$ \(money(minimumDown))) e menor que o valor do imóvel"
            )
        }
        let rate = arguments.annual_interest_rate_percent ?? config.annual_interest_rate_percent ?? 11.5
        return simulate(
            principal: arguments.price - arguments.down_payment, annualRatePercent: rate,
            months: arguments.term_months, system: arguments.system ?? "both")
    }

    /// The plans for `principal` over `months` at an effective annual rate (the rate banks quote).
    static func simulate(principal: Double, annualRatePercent: Double, months: Int, system: String) -> FinancingResult {
        let monthly = pow(1 + annualRatePercent / 100, 1.0 / 12) - 1
        let n = Double(months)
        var plans: [FinancingResult.Plan] = []
        if system != "PRICE" {
            let amortisation = principal / n
            // Interest falls linearly with the balance: i·P·(n+1)/2 over the whole term.
            let interest = monthly * principal * (n + 1) / 2
            plans.append(
                .init(
                    system: "SAC", first_instalment: round2(amortisation + principal * monthly),
                    last_instalment: round2(amortisation * (1 + monthly)), total_paid: round2(principal + interest),
                    total_interest: round2(interest)))
        }
        if system != "SAC" {
            let instalment = monthly == 0 ? principal / n : principal * monthly / (1 - pow(1 + monthly, -n))
            plans.append(
                .init(
                    system: "PRICE", first_instalment: round2(instalment), last_instalment: round2(instalment),
                    total_paid: round2(instalment * n), total_interest: round2(instalment * n - principal)))
        }
        return FinancingResult(
            financed_amount: round2(principal), term_months: months, annual_interest_rate_percent: annualRatePercent,
            monthly_interest_rate_percent: (monthly * 100 * 10_000).rounded() / 10_000, plans: plans)
    }

    static func round2(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    static func money(_ value: Double) -> String { String(format: "%.2f", value) }
}
