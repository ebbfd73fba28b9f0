/// A WhatsApp recipient number in international form: country code and subscriber number,
/// digits only (`5511999998888`).
///
/// Parsing accepts what people type — `+55 (11) 99999-8888`, `+1.650.555.1234` — and rejects
/// anything that cannot be an E.164 number, with an error naming the field. Numbers without a
/// country code cannot be told apart from ones with it, so a leading `0` (a national trunk or
/// `00` international prefix) is rejected rather than guessed at.
public struct PhoneNumber: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    /// E.164 allows at most 15 digits; 8 is the shortest country code plus subscriber number
    /// in use.
    public static let digitRange = 8...15

    /// The digits, country code first, without `+`.
    public let digits: String

    /// Normalises `input`; `field` names the request field in errors (`to`, `number`).
    public init(_ input: String, field: String = "to") throws(FieldError) {
        var digits = ""
        var sawPlus = false
        for character in input {
            switch character {
            case "0"..."9":
                digits.append(character)
            case "+":
                // A plus is the international prefix: only one, and only before any digit.
                guard !sawPlus, digits.isEmpty else {
                    throw FieldError(field, "'+' may only start the number")
                }
                sawPlus = true
            case " ", "-", "(", ")", ".", "\u{00A0}":
                continue
            default:
                if character.isLetter {
                    throw FieldError(field, "must not contain letters")
                }
                throw FieldError(field, "may contain only digits, '+', spaces, '-', '.', '(' and ')'")
            }
        }
        guard !digits.isEmpty else {
            throw FieldError(field, "must contain digits")
        }
        guard digits.first != "0" else {
            throw FieldError(field, "must start with the country code (no leading 0 or 00)")
        }
        guard Self.digitRange.contains(digits.count) else {
            throw FieldError(
                field,
                "must have \(Self.digitRange.lowerBound) to \(Self.digitRange.upperBound) digits "
                    + "including the country code (has \(digits.count))")
        }
        self.digits = digits
    }

    /// `+` and the digits, the form Meta recommends for `to`.
    public var e164: String { "+" + digits }

    /// The Baileys address of this number's WhatsApp account (`5511999998888@s.whatsapp.net`).
    public var jid: WhatsAppJID { WhatsAppJID(user: digits, server: .user) }

    public var description: String { e164 }

    public static func < (lhs: PhoneNumber, rhs: PhoneNumber) -> Bool { lhs.digits < rhs.digits }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(text)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(digits)
    }
}
