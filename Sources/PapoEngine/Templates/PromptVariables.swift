public import Foundation
public import Logging
import Synchronization

/// The values a prompt can refer to, computed for one turn.
///
/// The names are a fixed vocabulary so that validation can reject a misspelt
/// `{{custumer.name}}` when the template loads instead of rendering it empty in
/// production. `business.*` is the open part: whatever the tenant stores in its
/// settings (address, opening hours, CRECI, ...).
public struct PromptVariables: Sendable, Equatable {
    /// Every name the engine supplies, besides `business.*`.
    public static let known: Set<String> = [
        "tenant.name", "agent.name", "customer.name", "customer.phone",
        "now.date", "now.time", "now.weekday",
    ]
    /// Prefix of the free-form tenant-supplied variables.
    public static let businessPrefix = "business."

    /// Whether `name` may appear in a prompt.
    public static func isKnown(_ name: String) -> Bool {
        known.contains(name) || (name.hasPrefix(businessPrefix) && name.count > businessPrefix.count)
    }

    /// The tenant's display name.
    public var tenantName: String
    /// The agent's display name (usually the template's `name`, possibly overridden).
    public var agentName: String
    /// The customer's WhatsApp profile name, when known.
    public var customerName: String?
    /// The customer's number in E.164 form, when known.
    public var customerPhone: String?
    /// Tenant-supplied values, keyed without the `business.` prefix.
    public var business: [String: String]
    /// The moment of the turn.
    public var now: Date
    /// The tenant's time zone: "today" and "now" are the business's, not the server's.
    public var timeZone: TimeZone
    /// BCP-47 language used for the weekday name.
    public var language: String

    /// Collects the values for one turn.
    public init(
        tenantName: String, agentName: String, customerName: String? = nil, customerPhone: String? = nil,
        business: [String: String] = [:], now: Date = Date(),
        timeZone: TimeZone = TimeZone(identifier: "America/Sao_Paulo") ?? .current,
        language: String = AgentTemplate.defaultLanguage
    ) {
        self.tenantName = tenantName
        self.agentName = agentName
        self.customerName = customerName
        self.customerPhone = customerPhone
        self.business = business
        self.now = now
        self.timeZone = timeZone
        self.language = language
    }

    /// The dictionary for `PromptRenderer`. Every known name is present (an unknown
    /// customer name is empty text, not a warning); `business.*` only when set.
    ///
    /// `now.date` is ISO `yyyy-MM-dd` and `now.time` is 24-hour `HH:mm`: unambiguous for
    /// the model in any language. `now.weekday` is spelt in `language` ("segunda-feira").
    public var values: [String: String] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: now)
        func padded(_ value: Int?, _ width: Int) -> String {
            let text = String(value ?? 0)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        var values: [String: String] = [
            "tenant.name": tenantName,
            "agent.name": agentName,
            "customer.name": customerName ?? "",
            "customer.phone": customerPhone ?? "",
            "now.date": "\(padded(parts.year, 4))-\(padded(parts.month, 2))-\(padded(parts.day, 2))",
            "now.time": "\(padded(parts.hour, 2)):\(padded(parts.minute, 2))",
            "now.weekday": Self.weekdayName(parts.weekday ?? 1, language: language),
        ]
        for (key, value) in business {
            values[Self.businessPrefix + key] = value
        }
        return values
    }

    /// The weekday's name in `language` (1 is Sunday), as a date format spells it
    /// ("segunda-feira"). The names come from a formatter made once per language: making one
    /// per turn cost more than the rest of the turn's work together.
    static func weekdayName(_ weekday: Int, language: String) -> String {
        let names = weekdayNames.withLock { cache in
            if let names = cache[language] { return names }
            let formatter = DateFormatter()
            formatter.calendar = Calendar(identifier: .gregorian)
            formatter.locale = Locale(identifier: language)
            let names = formatter.weekdaySymbols ?? []
            cache[language] = names
            return names
        }
        let index = weekday - 1
        return names.indices.contains(index) ? names[index] : ""
    }

    private static let weekdayNames = Mutex<[String: [String]]>([:])
}

extension AgentTemplate {
    /// The system prompt rendered for one turn; see `PromptRenderer.render`.
    public func renderSystemPrompt(_ variables: PromptVariables, logger: Logger? = nil) -> RenderedPrompt {
        PromptRenderer.render(prompt.system, variables: variables.values, logger: logger)
    }
}
