import Foundation

/// Type-driven scalar conversion: the requested Swift type decides which
/// core-schema forms are acceptable, so `no` is `false` for a `Bool` but the
/// string "no" for a `String`.
extension NodeDecoder {
    private func scalar(expected: String) throws -> (text: String, category: ScalarResolver.Category) {
        guard case .scalar(let text, let style) = node.content else { throw mismatch(expected: expected) }
        return (text, ScalarResolver.category(tag: node.tag, style: style))
    }

    func decodeBool() throws -> Bool {
        let (text, category) = try scalar(expected: "a Bool")
        guard category == .untyped || category == .bool,
            let value = ScalarResolver.bool(text, legacy: true)
        else {
            throw mismatch(expected: "a Bool (true/false, yes/no, on/off)")
        }
        return value
    }

    func decodeString() throws -> String {
        let (text, category) = try scalar(expected: "a String")
        if category == .null || (category == .untyped && ScalarResolver.isNull(text)) {
            throw mismatch(expected: "a String")
        }
        return text
    }

    func decodeInteger<T: FixedWidthInteger>(_ type: T.Type) throws -> T {
        let (text, category) = try scalar(expected: "an integer (\(T.self))")
        guard [.untyped, .int, .float].contains(category) else {
            throw mismatch(expected: "an integer (\(T.self))")
        }
        if let literal = ScalarResolver.integer(text) { return try fit(literal, as: type, text: text) }
        // Whole-valued floats such as `1e3` are accepted; fractions are not.
        if category != .int, let double = ScalarResolver.float(text), double.isFinite {
            guard double.rounded() == double else {
                throw failure(
                    .typeMismatch, "expected an integer (\(T.self)) but found \(text), which has a fractional part")
            }
            guard double.magnitude < 18_446_744_073_709_551_616.0 else {
                throw outOfRange(text, as: type)
            }
            return try fit(.value(negative: double < 0, magnitude: UInt64(double.magnitude)), as: type, text: text)
        }
        throw mismatch(expected: "an integer (\(T.self))")
    }

    private func fit<T: FixedWidthInteger>(_ literal: IntegerLiteral, as type: T.Type, text: String) throws -> T {
        switch literal {
        case .tooLarge:
            throw outOfRange(text, as: type)
        case .value(false, let magnitude):
            guard let value = T(exactly: magnitude) else { throw outOfRange(text, as: type) }
            return value
        case .value(true, let magnitude):
            if magnitude == 0 { return 0 }
            // |T.min| == T.max + 1 for two's-complement types.
            guard T.isSigned, magnitude - 1 <= UInt64(T.max) else { throw outOfRange(text, as: type) }
            return T(truncatingIfNeeded: 0 &- magnitude)
        }
    }

    private func outOfRange<T: FixedWidthInteger>(_ text: String, as type: T.Type) -> YAMLError {
        failure(.valueOutOfRange, "\(text) is out of range for \(T.self) (\(T.min)...\(T.max))")
    }

    func decodeDouble() throws -> Double {
        let (text, category) = try scalar(expected: "a number (Double)")
        guard [.untyped, .int, .float].contains(category) else { throw mismatch(expected: "a number (Double)") }
        if let value = ScalarResolver.float(text) { return value }
        switch ScalarResolver.integer(text) {
        case .value(let negative, let magnitude)?:
            return negative ? -Double(magnitude) : Double(magnitude)
        case .tooLarge?:
            throw failure(.valueOutOfRange, "\(text) is out of range for Double")
        case nil:
            throw mismatch(expected: "a number (Double)")
        }
    }

    func decodeFloat() throws -> Float {
        let double = try decodeDouble()
        let value = Float(double)
        if double.isFinite, value.isInfinite {
            throw failure(.valueOutOfRange, "\(double) is out of range for Float")
        }
        return value
    }

    // MARK: Foundation types

    func decodeDate() throws -> Date {
        let text = try decodeString()
        guard let date = Timestamp.parse(text) else {
            throw failure(
                .dataCorrupted, "expected an ISO-8601 date such as 2024-05-01T12:00:00Z but found \(node.summary)")
        }
        return date
    }

    func decodeURL() throws -> URL {
        let text = try decodeString()
        guard !text.isEmpty, let url = URL(string: text) else {
            throw failure(.dataCorrupted, "expected a URL but found \(node.summary)")
        }
        return url
    }

    func decodeData() throws -> Data {
        let text = try decodeString()
        // Base64 in a literal block spans several lines; line breaks are not data.
        let compact = String(text.unicodeScalars.filter { !" \t\r\n".unicodeScalars.contains($0) })
        guard let data = Data(base64Encoded: compact) else {
            throw failure(.dataCorrupted, "expected base64-encoded data but found \(node.summary)")
        }
        return data
    }

    func decodeDecimal() throws -> Decimal {
        let (text, category) = try scalar(expected: "a number (Decimal)")
        guard [.untyped, .int, .float].contains(category) else { throw mismatch(expected: "a number (Decimal)") }
        if case .value(let negative, let magnitude)? = ScalarResolver.integer(text) {
            let value = Decimal(magnitude)
            return negative ? -value : value
        }
        // Validate with the float grammar first: Decimal(string:) accepts prefixes like "1.5abc".
        guard let double = ScalarResolver.float(text), double.isFinite,
            let value = Decimal(
                string: String(text.unicodeScalars.filter { $0 != "_" }),
                locale: Locale(identifier: "en_US_POSIX"))
        else {
            throw mismatch(expected: "a finite number (Decimal)")
        }
        return value
    }
}
