/// Small checks shared by the message validators; each throws a ``FieldError`` naming the
/// field. Messages quote limits and counts, never the rejected content: message bodies may be
/// personal data.
enum Check {
    static func length(_ text: String, field: String, max: Int, allowEmpty: Bool = false) throws(FieldError) {
        if !allowEmpty, text.isEmpty {
            throw FieldError(field, "must not be empty")
        }
        // Meta does not say how it counts characters. UTF-16 units (JavaScript's `length`) is
        // the strictest plausible count, so text that passes here is never rejected for length.
        let count = text.utf16.count
        if count > max {
            throw FieldError(field, "must be at most \(max) characters (has \(count))")
        }
    }

    static func optionalLength(_ text: String?, field: String, max: Int) throws(FieldError) {
        if let text { try length(text, field: field, max: max) }
    }

    static func nonEmpty(_ text: String, field: String) throws(FieldError) {
        if text.allSatisfy(\.isWhitespace) {
            throw FieldError(field, "must not be empty")
        }
    }
}
