public import PapoYAML

/// A problem found in an agent template file: YAML syntax, decoding (wrong type,
/// unknown or missing key, bad duration) or a semantic rule (slug id, regex,
/// budget, prompt variable, ...).
///
/// Every error names the file and, whenever the problem can be tied to the
/// source, the 1-based line and column and the key path (`capabilities[2].tool`),
/// so `papo agents validate` output can be clicked through in an editor.
public struct TemplateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The broad category, stable enough to match on in code and tests.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The text is not well-formed YAML.
        case syntax
        /// A key the template format does not know (usually a typo).
        case unknownKey
        /// A required key is absent.
        case missingKey
        /// A value has the wrong YAML shape or scalar type.
        case typeMismatch
        /// A value has the right type but is not acceptable (range, format, regex, duration).
        case invalidValue
        /// A name that must be unique appears twice (template id, capability, keyword).
        case duplicate
        /// A `{{variable}}` in a prompt that the renderer will never supply.
        case unknownVariable
        /// The file or folder could not be read.
        case io
    }

    /// The category of the problem.
    public var kind: Kind
    /// The file as given to the loader (a path for files on disk).
    public var file: String
    /// 1-based line, or 0 when the problem is not tied to a position.
    public var line: Int
    /// 1-based column, or 0 when the problem is not tied to a position.
    public var column: Int
    /// Where in the template, e.g. `handoff.keywords[2]`; empty for the whole file.
    public var path: String
    /// A human-readable explanation.
    public var message: String

    /// Creates an error; `line` and `column` are 1-based, 0 when unknown.
    public init(kind: Kind, file: String, line: Int = 0, column: Int = 0, path: String = "", message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    /// Converts a PapoYAML failure, keeping its position and path.
    public init(_ error: YAMLError) {
        let kind: Kind =
            switch error.kind {
            case .syntax, .unknownAlias: .syntax
            case .unknownKey: .unknownKey
            case .missingKey: .missingKey
            case .typeMismatch: .typeMismatch
            case .duplicateKey: .duplicate
            case .valueOutOfRange, .dataCorrupted: .invalidValue
            }
        self.init(
            kind: kind, file: error.file, line: error.line, column: error.column,
            path: error.path, message: error.message)
    }

    /// `file:line:column: message (at path)`, the format compilers use, so editors and
    /// CI annotate the right line. Position and path are omitted when unknown.
    public var description: String {
        let location = line > 0 ? "\(file):\(line):\(column)" : file
        let suffix = path.isEmpty ? "" : " (at \(path))"
        return "\(location): \(message)\(suffix)"
    }
}

/// Several template errors reported together, e.g. everything wrong with one file.
public struct TemplateErrors: Error, Sendable, Hashable, CustomStringConvertible {
    /// The individual problems, in file and source order.
    public var errors: [TemplateError]

    /// Wraps a list of errors.
    public init(_ errors: [TemplateError]) {
        self.errors = errors
    }

    /// One error per line.
    public var description: String {
        errors.map(\.description).joined(separator: "\n")
    }
}
