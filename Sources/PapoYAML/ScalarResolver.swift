/// An integer literal as written, kept as sign and magnitude so that every
/// target width (including `Int64.min` and `UInt64.max`) can be range-checked exactly.
enum IntegerLiteral: Equatable {
    case value(negative: Bool, magnitude: UInt64)
    /// Syntactically an integer, but wider than 64 bits.
    case tooLarge(negative: Bool)
}

/// Implements the YAML 1.2 core schema resolution rules for scalar text.
///
/// Resolution is deliberately split into independent predicates instead of one
/// "resolve" call: decoding is type-driven, so a plain `no` is a boolean only
/// when a `Bool` is requested and stays the string "no" otherwise.
enum ScalarResolver {
    /// How a scalar's tag and style constrain its interpretation.
    enum Category: Equatable {
        /// Plain and untagged: subject to implicit resolution.
        case untyped
        case string, null, bool, int, float
    }

    static func category(tag: String?, style: YAMLScalarStyle) -> Category {
        switch tag {
        case CoreTag.str?, "!"?: return .string
        case CoreTag.null?: return .null
        case CoreTag.bool?: return .bool
        case CoreTag.int?: return .int
        case CoreTag.float?: return .float
        default:
            // Unknown application tags (`!env`, `!!binary`, ...) carry no core meaning,
            // so the scalar is resolved as if the tag were absent.
            return style == .plain ? .untyped : .string
        }
    }

    private static let nullForms: Set<String> = ["", "~", "null", "Null", "NULL"]
    private static let trueForms: Set<String> = ["true", "True", "TRUE"]
    private static let falseForms: Set<String> = ["false", "False", "FALSE"]
    private static let legacyTrue: Set<String> = ["yes", "Yes", "YES", "on", "On", "ON"]
    private static let legacyFalse: Set<String> = ["no", "No", "NO", "off", "Off", "OFF"]

    static func isNull(_ text: String) -> Bool { nullForms.contains(text) }

    /// Core-schema booleans, plus the YAML 1.1 `yes/no/on/off` forms when `legacy` is set.
    static func bool(_ text: String, legacy: Bool) -> Bool? {
        if trueForms.contains(text) || (legacy && legacyTrue.contains(text)) { return true }
        if falseForms.contains(text) || (legacy && legacyFalse.contains(text)) { return false }
        return nil
    }

    /// Decimal, `0x` hexadecimal or `0o` octal, optionally signed, `_` allowed between digits.
    static func integer(_ text: String) -> IntegerLiteral? {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        var radix: UInt64 = 10
        if digits.hasPrefix("0x") {
            radix = 16
            digits = digits.dropFirst(2)
        } else if digits.hasPrefix("0o") {
            radix = 8
            digits = digits.dropFirst(2)
        }
        guard let first = digits.first, first != "_", digits.last != "_" else { return nil }
        var magnitude: UInt64 = 0
        var overflow = false
        for char in digits.unicodeScalars where char != "_" {
            guard let digit = digitValue(char), digit < radix else { return nil }
            let (shifted, o1) = magnitude.multipliedReportingOverflow(by: radix)
            let (sum, o2) = shifted.addingReportingOverflow(digit)
            overflow = overflow || o1 || o2
            magnitude = sum
        }
        return overflow ? .tooLarge(negative: negative) : .value(negative: negative, magnitude: magnitude)
    }

    /// Core-schema floats (`1.5`, `-2e-3`, `.5`, `.inf`, `-.inf`, `.nan`); decimal integers also qualify.
    static func float(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        guard isDecimalFloatSyntax(text) else { return nil }
        return Double(String(text.unicodeScalars.filter { $0 != "_" }))
    }

    /// `[-+]? ( \. [0-9]+ | [0-9][0-9_]* ( \. [0-9_]* )? ) ( [eE] [-+]? [0-9]+ )?`
    private static func isDecimalFloatSyntax(_ text: String) -> Bool {
        var chars = Substring(text).unicodeScalars[...]
        if let sign = chars.first, sign == "-" || sign == "+" { chars = chars.dropFirst() }
        func takeDigits(allowUnderscore: Bool) -> Int {
            var count = 0
            while let c = chars.first, isDigit(c) || (allowUnderscore && count > 0 && c == "_") {
                if isDigit(c) { count += 1 }
                chars = chars.dropFirst()
            }
            return count
        }
        var mantissaDigits = takeDigits(allowUnderscore: true)
        if chars.first == "." {
            chars = chars.dropFirst()
            mantissaDigits += takeDigits(allowUnderscore: mantissaDigits > 0)
        }
        guard mantissaDigits > 0 else { return false }
        if let e = chars.first, e == "e" || e == "E" {
            chars = chars.dropFirst()
            if let sign = chars.first, sign == "-" || sign == "+" { chars = chars.dropFirst() }
            guard takeDigits(allowUnderscore: false) > 0 else { return false }
        }
        return chars.isEmpty
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    private static func digitValue(_ c: Unicode.Scalar) -> UInt64? {
        switch c {
        case "0"..."9": return UInt64(c.value - 48)
        case "a"..."f": return UInt64(c.value - 87)
        case "A"..."F": return UInt64(c.value - 55)
        default: return nil
        }
    }
}
