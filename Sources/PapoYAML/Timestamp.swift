import Foundation

/// Strict ISO-8601 / YAML timestamp parsing for `Date` fields.
///
/// Foundation's ISO-8601 parsers accept text that merely starts with a date
/// (`2024-01-01T00:00:00Zjunk`), and reject forms YAML authors commonly write
/// (a space instead of `T`, no zone meaning UTC), so the grammar is checked
/// here and only the calendar arithmetic is left to Foundation.
enum Timestamp {
    /// Accepts `yyyy-MM-dd`, optionally followed by `T` or spaces, `H:mm[:ss[.fraction]]`
    /// and a zone (`Z`, `+02:00`, `+0200`, `-5`). Without a zone the time is UTC.
    static func parse(_ text: String) -> Date? {
        let grammar =
            #/(\d{4})-(\d{2})-(\d{2})(?:(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?[ \t]*(Z|z|[+-]\d{1,2}(?::?\d{2})?)?)?/#
        guard let match = text.wholeMatch(of: grammar) else { return nil }
        let (_, year, month, day, hour, minute, second, fraction, zone) = match.output
        let components = DateComponents(
            year: Int(year), month: Int(month), day: Int(day),
            hour: hour.flatMap { Int($0) } ?? 0,
            minute: minute.flatMap { Int($0) } ?? 0,
            second: second.flatMap { Int($0) } ?? 0
        )
        var calendar = Calendar(identifier: .gregorian)
        guard let utc = TimeZone(secondsFromGMT: 0) else { return nil }
        calendar.timeZone = utc
        guard let base = calendar.date(from: components) else { return nil }
        // The calendar silently rolls invalid fields over (February 30 becomes
        // March 1); a config date like that is a mistake, not a request.
        let normalised = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: base)
        guard normalised.year == components.year, normalised.month == components.month,
            normalised.day == components.day, normalised.hour == components.hour,
            normalised.minute == components.minute, normalised.second == components.second
        else {
            return nil
        }
        var date = base
        if let fraction, let seconds = Double("0" + fraction) {
            date += seconds
        }
        if let zone, let offset = offset(of: zone) {
            date -= offset
        }
        return date
    }

    /// Seconds east of UTC for `Z`, `+02:00`, `+0200`, `-5`.
    private static func offset(of zone: Substring) -> TimeInterval? {
        guard let sign = zone.first, sign == "+" || sign == "-" else { return zone == "Z" || zone == "z" ? 0 : nil }
        let digits = zone.dropFirst().filter { $0 != ":" }
        let hours = Int(digits.prefix(digits.count > 2 ? digits.count - 2 : digits.count)) ?? 0
        let minutes = digits.count > 2 ? Int(digits.suffix(2)) ?? 0 : 0
        let seconds = TimeInterval(hours * 3600 + minutes * 60)
        return sign == "-" ? -seconds : seconds
    }
}
