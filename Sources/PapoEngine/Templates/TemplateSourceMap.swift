import PapoYAML

/// A location inside a template, such as `capabilities[2].tool`, built from
/// literals: `["capabilities", 2, "tool"]`.
public struct TemplatePath: Sendable, Hashable, CustomStringConvertible, ExpressibleByArrayLiteral {
    /// One step: a mapping key or a sequence index.
    public enum Component: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
        /// A mapping key.
        case key(String)
        /// A 0-based sequence position.
        case index(Int)

        public init(stringLiteral value: String) { self = .key(value) }
        public init(integerLiteral value: Int) { self = .index(value) }
    }

    /// The steps from the document root.
    public var components: [Component]

    /// Creates a path from its steps.
    public init(_ components: [Component]) { self.components = components }
    public init(arrayLiteral elements: Component...) { self.components = elements }

    /// The path extended by more steps.
    public func appending(_ more: Component...) -> TemplatePath { TemplatePath(components + more) }

    /// `a.b[2].c`, the same spelling PapoYAML uses in its errors.
    public var description: String {
        components.reduce(into: "") { text, component in
            switch component {
            case .index(let index): text += "[\(index)]"
            case .key(let key): text += text.isEmpty ? key : "." + key
            }
        }
    }
}

/// Maps template paths back to source positions, so semantic errors found after
/// decoding (a bad regex, an unknown prompt variable) point at the offending text.
struct TemplateSourceMap {
    let file: String
    let root: YAMLNode?
    private let lines: [Substring]

    init(file: String, root: YAMLNode?, text: String?) {
        self.file = file
        self.root = root
        self.lines = text.map { $0.split(separator: "\n", omittingEmptySubsequences: false) } ?? []
    }

    /// The node at `path`, or the deepest ancestor present (a defaulted key has no
    /// node of its own; its parent mapping is the best place to add it).
    func node(at path: TemplatePath) -> YAMLNode? {
        guard var current = root else { return nil }
        for component in path.components {
            switch component {
            case .key(let key):
                guard let next = current[key] else { return current }
                current = next
            case .index(let index):
                guard let items = current.items, items.indices.contains(index) else { return current }
                current = items[index]
            }
        }
        return current
    }

    /// An error positioned at the value found at `path`, or at `mark` when given.
    func error(
        _ kind: TemplateError.Kind, _ path: TemplatePath, _ message: String, at mark: YAMLMark? = nil
    ) -> TemplateError {
        let position = mark ?? node(at: path)?.mark
        return TemplateError(
            kind: kind, file: file, line: position?.line ?? 0, column: position?.column ?? 0,
            path: path.description, message: message)
    }

    /// Where the `occurrence`-th (0-based) copy of `needle` appears at or after the start
    /// of the value at `path`. Falls back to the value's own position when the source
    /// spells the text differently (escapes in a quoted scalar, line folding).
    func mark(of needle: String, occurrence: Int = 0, inValueAt path: TemplatePath) -> YAMLMark? {
        guard let start = node(at: path)?.mark else { return nil }
        var remaining = occurrence
        for lineIndex in max(0, start.line - 1)..<lines.count {
            let line = lines[lineIndex]
            // libyaml counts columns in Unicode scalars, so positions are computed the same way.
            var from =
                lineIndex == start.line - 1
                ? line.unicodeScalars.index(line.startIndex, offsetBy: min(start.column - 1, line.unicodeScalars.count))
                : line.startIndex
            while let found = line[from...].firstRange(of: needle) {
                if remaining == 0 {
                    let column = line.unicodeScalars.distance(from: line.startIndex, to: found.lowerBound) + 1
                    return YAMLMark(line: lineIndex + 1, column: column)
                }
                remaining -= 1
                from = found.upperBound
            }
        }
        return start
    }
}
