/// A position in a YAML source text. Both values are 1-based, as editors show them.
public struct YAMLMark: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// 1-based line number.
    public var line: Int
    /// 1-based column, counted in Unicode characters as libyaml counts them.
    public var column: Int

    /// Creates a mark from 1-based line and column numbers.
    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public static func < (lhs: YAMLMark, rhs: YAMLMark) -> Bool {
        (lhs.line, lhs.column) < (rhs.line, rhs.column)
    }

    /// `line:column`.
    public var description: String { "\(line):\(column)" }
}

/// How a scalar was written in the source. Only plain scalars take part in
/// implicit type resolution; every other style always yields a string.
public enum YAMLScalarStyle: Sendable, Hashable {
    case plain
    case singleQuoted
    case doubleQuoted
    /// A `|` block scalar.
    case literal
    /// A `>` block scalar.
    case folded

    /// `true` for single- and double-quoted scalars.
    public var isQuoted: Bool { self == .singleQuoted || self == .doubleQuoted }
}

/// One node of a parsed YAML document.
///
/// A class rather than an enum so that an alias can share the very node its
/// anchor names and so that the decoder can track, per mapping identity, which
/// keys were consumed. Every stored property is an immutable `Sendable` value,
/// which makes the plain `Sendable` conformance sound.
public final class YAMLNode: Sendable {
    /// A key/value entry of a mapping, in document order.
    public typealias Pair = (key: YAMLNode, value: YAMLNode)

    /// The structural content of a node.
    public enum Content: Sendable {
        /// A scalar with its exact (already unescaped and folded) text.
        case scalar(String, style: YAMLScalarStyle)
        /// A sequence of items.
        case sequence([YAMLNode])
        /// A mapping with its entries in document order, merge keys applied.
        case mapping([Pair])
    }

    /// The node's content.
    public let content: Content
    /// The resolved tag (`tag:yaml.org,2002:str` for `!!str`), or `nil` when none was written.
    public let tag: String?
    /// The anchor name defined on this node, if any.
    public let anchor: String?
    /// Where the node starts.
    public let mark: YAMLMark

    /// Creates a node; mostly useful for tests and programmatic trees.
    public init(_ content: Content, tag: String? = nil, anchor: String? = nil, mark: YAMLMark) {
        self.content = content
        self.tag = tag
        self.anchor = anchor
        self.mark = mark
    }

    /// An empty plain scalar, which the core schema resolves to null.
    public static func null(at mark: YAMLMark) -> YAMLNode {
        YAMLNode(.scalar("", style: .plain), mark: mark)
    }
}

extension YAMLNode {
    /// The scalar text, or `nil` for collections.
    public var scalar: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    /// The scalar style, or `nil` for collections.
    public var style: YAMLScalarStyle? {
        if case .scalar(_, let style) = content { return style }
        return nil
    }

    /// The items of a sequence, or `nil` for other nodes.
    public var items: [YAMLNode]? {
        if case .sequence(let items) = content { return items }
        return nil
    }

    /// The entries of a mapping, or `nil` for other nodes.
    public var pairs: [Pair]? {
        if case .mapping(let pairs) = content { return pairs }
        return nil
    }

    /// The value stored under a scalar key of a mapping.
    public subscript(key: String) -> YAMLNode? {
        pairs?.first { $0.key.scalar == key }?.value
    }

    /// The tag in its `!!name` short form when it belongs to the YAML core namespace.
    public var shortTag: String? {
        guard let tag else { return nil }
        if tag.hasPrefix(CoreTag.prefix) { return "!!" + tag.dropFirst(CoreTag.prefix.count) }
        return tag
    }

    /// Whether the node resolves to null under the core schema (`~`, `null`, empty plain, or `!!null`).
    public var isNull: Bool {
        guard case .scalar(let text, let style) = content else { return false }
        switch ScalarResolver.category(tag: tag, style: style) {
        case .null: return true
        case .untyped: return ScalarResolver.isNull(text)
        default: return false
        }
    }

    /// A short human description used in error messages, e.g. `a mapping` or `the quoted string "80"`.
    var summary: String {
        switch content {
        case .sequence: return "a sequence"
        case .mapping: return "a mapping"
        case .scalar(let text, let style):
            if isNull { return "null" }
            let shown = text.count > 40 ? String(text.prefix(37)) + "..." : text
            let escaped = shown.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\\n")
            if style.isQuoted { return "the quoted string \"\(escaped)\"" }
            if style == .plain, tag == nil { return "'\(escaped)'" }
            return "the string \"\(escaped)\""
        }
    }
}

/// Tags of the YAML core schema, as libyaml reports them after expanding `!!`.
enum CoreTag {
    static let prefix = "tag:yaml.org,2002:"
    static let str = prefix + "str"
    static let int = prefix + "int"
    static let float = prefix + "float"
    static let bool = prefix + "bool"
    static let null = prefix + "null"
    static let merge = prefix + "merge"
}
