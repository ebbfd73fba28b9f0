/// A length of time written the way template authors think of it: `"500ms"`,
/// `"3s"`, `"2m"`, `"24h"`, `"7d"`, or a combination such as `"1h30m"`.
///
/// Decodes from and encodes to that string form, so templates stay readable and a
/// JSON copy of a template (for example agent overrides stored in PostgreSQL)
/// round-trips unchanged. A bare number such as `3` is rejected on purpose:
/// whether it means seconds or milliseconds is exactly the ambiguity this type removes.
public struct TemplateDuration: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The parsed value.
    public var duration: Duration

    /// Wraps an existing `Duration`.
    public init(_ duration: Duration) {
        self.duration = duration
    }

    /// Parses the textual form.
    /// - Throws: `TemplateDuration.ParseError` explaining what is wrong with `text`.
    public init(parsing text: String) throws(ParseError) {
        self.duration = try Self.parse(text)
    }

    /// Shorthand for a whole number of seconds.
    public static func seconds(_ value: Int) -> TemplateDuration { TemplateDuration(.seconds(value)) }
    /// Shorthand for a whole number of milliseconds.
    public static func milliseconds(_ value: Int) -> TemplateDuration { TemplateDuration(.milliseconds(value)) }
    /// Shorthand for a whole number of minutes.
    public static func minutes(_ value: Int) -> TemplateDuration { TemplateDuration(.seconds(value * 60)) }
    /// Shorthand for a whole number of hours.
    public static func hours(_ value: Int) -> TemplateDuration { TemplateDuration(.seconds(value * 3600)) }

    /// Why a duration text was rejected; `message` is ready to show to a template author.
    public struct ParseError: Error, Sendable, Hashable, CustomStringConvertible {
        /// A human-readable explanation including the offending text.
        public var message: String
        public var description: String { message }
    }

    /// Units in the order they are tried; `ms` must come before `m`.
    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("ms", 1), ("s", 1000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000),
    ]

    /// Longer than any sensible timeout or expiry; it also keeps the arithmetic far from overflow.
    private static let maximumMilliseconds: Int64 = 366 * 86_400_000

    private static func parse(_ text: String) throws(ParseError) -> Duration {
        let hint = "write a number followed by a unit (ms, s, m, h, d), e.g. \"500ms\", \"3s\", \"2m\", \"24h\""
        guard !text.isEmpty else { throw ParseError(message: "empty duration; \(hint)") }
        var rest = Substring(text)
        var total: Double = 0
        while !rest.isEmpty {
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number), number.first != ".", number.last != "." else {
                throw ParseError(message: "invalid duration \"\(text)\"; \(hint)")
            }
            rest = rest.dropFirst(number.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.suffix) }) else {
                let reason = rest.isEmpty ? "is missing a unit" : "has an unknown unit"
                throw ParseError(message: "duration \"\(text)\" \(reason); \(hint)")
            }
            rest = rest.dropFirst(unit.suffix.count)
            total += value * Double(unit.milliseconds)
            guard total <= Double(maximumMilliseconds) else {
                throw ParseError(message: "duration \"\(text)\" is longer than 366 days")
            }
        }
        // Sub-millisecond precision is meaningless for timers driven by a database clock.
        return .milliseconds(Int64(total.rounded()))
    }

    /// The whole number of milliseconds (sub-millisecond parts are dropped).
    public var milliseconds: Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1000 + attoseconds / 1_000_000_000_000_000
    }

    /// The duration in seconds as a `Double`, convenient for SQL intervals and timers.
    public var seconds: Double { Double(milliseconds) / 1000 }

    /// The shortest canonical text, e.g. `"1h30m"`, `"500ms"`, `"0s"`.
    public var description: String {
        var remaining = milliseconds
        guard remaining > 0 else { return "0s" }
        var text = ""
        for unit in Self.units.reversed() where remaining >= unit.milliseconds {
            text += "\(remaining / unit.milliseconds)\(unit.suffix)"
            remaining %= unit.milliseconds
        }
        return text
    }

    public static func < (lhs: TemplateDuration, rhs: TemplateDuration) -> Bool {
        lhs.duration < rhs.duration
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        do {
            self.duration = try Self.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.message)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
