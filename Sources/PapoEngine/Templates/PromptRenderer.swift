public import Logging

/// Fills `{{ name }}` placeholders in a prompt.
///
/// Substitution is a single left-to-right pass over the template, so a value is
/// never scanned again: a customer who calls themselves `{{tenant.name}}` gets
/// exactly that text in the prompt, not the tenant's name (customer data must not
/// be able to steer the template). Braces that do not enclose a valid name, or that
/// are never closed, stay as written.
public enum PromptRenderer {
    /// One `{{ … }}` occurrence in a template.
    public struct Placeholder: Sendable, Equatable {
        /// The text between the braces with surrounding whitespace removed.
        public var name: String
        /// The whole occurrence, braces included.
        public var range: Range<String.Index>
        /// Whether `name` is a variable name (`a`, `a.b`, `business.opening_hours`).
        public var isValidName: Bool
    }

    /// The result of a scan: placeholders in order, and `{{` openings with no closing `}}`.
    public struct Scan: Sendable, Equatable {
        /// Every `{{ … }}` occurrence, valid names or not.
        public var placeholders: [Placeholder]
        /// Positions of `{{` that are never closed.
        public var unclosed: [String.Index]
    }

    /// Finds the placeholders of `template`; shared by rendering and validation so
    /// both agree on what counts as a variable.
    public static func scan(_ template: String) -> Scan {
        var scan = Scan(placeholders: [], unclosed: [])
        var cursor = template.startIndex
        while let open = template[cursor...].firstRange(of: "{{") {
            guard let close = template[open.upperBound...].firstRange(of: "}}") else {
                scan.unclosed.append(open.lowerBound)
                break
            }
            let inner = template[open.upperBound..<close.lowerBound]
            let name = inner.trimmingWhitespace()
            if inner.contains("{{") {
                // `{{ {{name}}`: the first opening is stray text; rescan from the inner one.
                cursor = open.upperBound
                continue
            }
            scan.placeholders.append(
                Placeholder(
                    name: name, range: open.lowerBound..<close.upperBound,
                    isValidName: isVariableName(name)))
            cursor = close.upperBound
        }
        return scan
    }

    /// Renders `template`, replacing every valid placeholder with its value.
    ///
    /// A name missing from `variables` renders as empty text and is listed in
    /// `RenderedPrompt.unknownVariables`; with a `logger`, each such name is also
    /// logged once as a warning, since it usually means tenant settings lack a
    /// `business.*` value the template relies on.
    public static func render(_ template: String, variables: [String: String], logger: Logger? = nil) -> RenderedPrompt
    {
        var output = ""
        output.reserveCapacity(template.utf8.count)
        var unknown: [String] = []
        var cursor = template.startIndex
        for placeholder in scan(template).placeholders where placeholder.isValidName {
            output += template[cursor..<placeholder.range.lowerBound]
            if let value = variables[placeholder.name] {
                output += value
            } else if !unknown.contains(placeholder.name) {
                unknown.append(placeholder.name)
            }
            cursor = placeholder.range.upperBound
        }
        output += template[cursor...]
        if let logger {
            for name in unknown {
                logger.warning(
                    "prompt variable has no value; rendered as empty text",
                    metadata: ["variable": "\(name)"])
            }
        }
        return RenderedPrompt(text: output, unknownVariables: unknown)
    }

    /// Whether `name` has the form of a variable: dot-separated identifiers.
    static func isVariableName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return !parts.isEmpty
            && parts.allSatisfy { part in
                guard let first = part.first, first.isASCII, first.isLetter || first == "_" else { return false }
                return part.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
            }
    }
}

/// A rendered prompt and the placeholders that had no value.
public struct RenderedPrompt: Sendable, Equatable {
    /// The prompt with placeholders replaced.
    public var text: String
    /// Valid placeholder names absent from the variables (rendered as empty text), in order of appearance.
    public var unknownVariables: [String]

    /// Creates a rendered prompt.
    public init(text: String, unknownVariables: [String] = []) {
        self.text = text
        self.unknownVariables = unknownVariables
    }
}

extension StringProtocol {
    /// The text without leading and trailing whitespace and newlines.
    func trimmingWhitespace() -> String {
        let start = firstIndex { !$0.isWhitespace } ?? endIndex
        let end = self[start...].lastIndex { !$0.isWhitespace }.map(index(after:)) ?? start
        return String(self[start..<end])
    }
}
