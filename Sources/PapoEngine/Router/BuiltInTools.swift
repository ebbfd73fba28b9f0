public import Foundation
import PapoCore
public import PapoLLM
public import PapoPlugins

/// Tools the engine itself provides, offered to an agent that lists them under
/// `capabilities` like any plugin tool. (`handoff_to_human` is also built in, but is offered by
/// `handoff.tool` and ends the turn, so ``ToolLoop`` handles it apart.)
public enum BuiltInTools {
    /// Tells the model the current date, time and weekday in the tenant's time zone: models
    /// do not know "today", and scheduling a visit "amanhã às 10h" needs it.
    public static let currentDateTime = "current_datetime"

    /// The time zone used when a tenant's is unknown.
    public static let defaultTimeZone = TimeZone(identifier: "America/Sao_Paulo")!

    /// The definition of a built-in tool, `nil` for other names.
    public static func definition(named name: String) -> ToolDefinition? {
        switch name {
        case currentDateTime:
            ToolDefinition(
                name: currentDateTime,
                description:
                    "Returns the current date, time and weekday in the business's time zone. Use it before "
                    + "talking about today, tomorrow, opening hours or scheduling.",
                parameters: ["type": "object", "properties": [:]])
        default:
            nil
        }
    }

    /// Runs a built-in tool call.
    public static func invoke(_ call: ToolCall, timeZone: TimeZone, locale: String, now: Date = Date()) -> ToolResult {
        switch call.name {
        case currentDateTime:
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = timeZone
            let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .weekday], from: now)
            let weekday = DateFormatter()
            weekday.locale = Locale(identifier: locale)
            weekday.timeZone = timeZone
            weekday.dateFormat = "EEEE"
            let iso = ISO8601DateFormatter()
            iso.timeZone = timeZone
            iso.formatOptions = [.withInternetDateTime]
            return .success([
                "date": .string(
                    String(format: "%04d-%02d-%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)),
                "time": .string(String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)),
                "weekday": .string(weekday.string(from: now)),
                "timezone": .string(timeZone.identifier),
                "iso8601": .string(iso.string(from: now)),
            ])
        default:
            return .failure(.unknownTool, "there is no built-in tool named \(call.name)")
        }
    }
}
