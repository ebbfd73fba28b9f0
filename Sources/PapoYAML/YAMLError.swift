public import Foundation

/// Every failure raised by PapoYAML: parse errors, decoding errors and
/// conversion errors, always with a source position and a readable path.
public struct YAMLError: Error, CustomStringConvertible, Sendable, Hashable {
    /// The category of a failure, stable enough to match on in code and tests.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        /// The text is not well-formed YAML (reported by libyaml) or has an invalid structure.
        case syntax
        /// A node has the wrong shape or scalar type for the requested Swift type.
        case typeMismatch
        /// A required key is absent from a mapping.
        case missingKey
        /// A mapping holds a key that the decoded type never asked for.
        case unknownKey
        /// A key appears twice in one mapping.
        case duplicateKey
        /// An alias refers to an anchor that was not defined before it.
        case unknownAlias
        /// A number does not fit the requested type.
        case valueOutOfRange
        /// A value has the right shape but invalid content (bad date, unknown enum case, ...).
        case dataCorrupted
    }

    /// The category of the failure.
    public var kind: Kind
    /// The file name given to the parser or decoder (`<input>` by default).
    public var file: String
    /// 1-based line, or 0 when the failure is not tied to a source position.
    public var line: Int
    /// 1-based column, or 0 when the failure is not tied to a source position.
    public var column: Int
    /// The location in the document as a path such as `capabilities[2].config`; empty at the root.
    public var path: String
    /// A human-readable explanation.
    public var message: String

    /// Creates an error; `line`/`column` are 1-based.
    public init(kind: Kind, file: String, line: Int, column: Int, path: String = "", message: String) {
        self.kind = kind
        self.file = file
        self.line = line
        self.column = column
        self.path = path
        self.message = message
    }

    init(_ kind: Kind, file: String, at mark: YAMLMark, path: String = "", _ message: String) {
        self.init(kind: kind, file: file, line: mark.line, column: mark.column, path: path, message: message)
    }

    /// The position as a mark.
    public var mark: YAMLMark { YAMLMark(line: line, column: column) }

    /// `file:line:column: message (at path)`; the position and path parts are left out when unknown.
    public var description: String {
        let location = line > 0 ? "\(file):\(line):\(column)" : file
        let suffix = path.isEmpty ? "" : " (at \(path))"
        return "\(location): \(message)\(suffix)"
    }
}

extension YAMLError: LocalizedError {
    /// Same as `description`, so `localizedDescription` in logs shows the position.
    public var errorDescription: String? { description }
}

/// A coding key for sequence positions; rendered as `[n]` in paths.
struct IndexKey: CodingKey {
    let index: Int
    init(_ index: Int) { self.index = index }
    init?(intValue: Int) { self.index = intValue }
    init?(stringValue: String) { return nil }
    var intValue: Int? { index }
    var stringValue: String { "Index \(index)" }
}

/// A coding key for any string, used where keys are only known at run time.
struct AnyKey: CodingKey {
    let stringValue: String
    let intValue: Int?
    init(_ string: String) {
        self.stringValue = string
        self.intValue = nil
    }
    init?(stringValue: String) { self.init(stringValue) }
    init?(intValue: Int) {
        self.stringValue = String(intValue)
        self.intValue = intValue
    }
}

/// Renders locations inside a document as `a.b[2].c`.
enum YAMLPath {
    enum Component {
        case key(String)
        case index(Int)
    }

    static func render(_ components: [Component]) -> String {
        var result = ""
        for component in components {
            switch component {
            case .index(let index):
                result += "[\(index)]"
            case .key(let key):
                result += result.isEmpty ? key : "." + key
            }
        }
        return result
    }

    static func components(_ codingPath: [any CodingKey]) -> [Component] {
        codingPath.map { key in
            // Other decoders (and the standard library) spell positional keys "Index n".
            if let index = key.intValue, key is IndexKey || key.stringValue == "Index \(index)" {
                return .index(index)
            }
            return .key(key.stringValue)
        }
    }

    static func render(_ codingPath: [any CodingKey]) -> String {
        render(components(codingPath))
    }
}
