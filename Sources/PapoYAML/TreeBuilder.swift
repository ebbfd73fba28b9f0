/// Turns a stream of parser events into node trees: resolves aliases to their
/// anchored nodes, applies `<<` merge keys and rejects duplicate keys.
struct TreeBuilder {
    /// The subset of libyaml's events that shape the tree, already copied into Swift values.
    enum Event {
        case documentStart(YAMLMark)
        case documentEnd
        case alias(String, YAMLMark)
        case scalar(String, YAMLScalarStyle, tag: String?, anchor: String?, YAMLMark)
        case sequenceStart(tag: String?, anchor: String?, YAMLMark)
        case sequenceEnd
        case mappingStart(tag: String?, anchor: String?, YAMLMark)
        case mappingEnd
    }

    struct Document {
        let root: YAMLNode
        let start: YAMLMark
    }

    private enum Entry {
        case pair(YAMLNode, YAMLNode)
        /// The value of a `<<` key, expanded when the mapping is complete.
        case merge(YAMLNode)
    }

    /// A collection whose children are still arriving.
    private struct Frame {
        let isMapping: Bool
        let tag: String?
        let anchor: String?
        let mark: YAMLMark
        var items: [YAMLNode] = []
        var entries: [Entry] = []
        var pendingKey: YAMLNode?
        var seenKeys: [String: YAMLMark] = [:]
    }

    let file: String
    private(set) var documents: [Document] = []
    private var frames: [Frame] = []
    private var anchors: [String: YAMLNode] = [:]
    private var root: YAMLNode?
    private var documentStart = YAMLMark(line: 1, column: 1)

    init(file: String) {
        self.file = file
    }

    mutating func handle(_ event: Event) throws {
        switch event {
        case .documentStart(let mark):
            // Anchors are scoped to their document.
            anchors = [:]
            root = nil
            documentStart = mark
        case .documentEnd:
            documents.append(Document(root: root ?? .null(at: documentStart), start: documentStart))
            root = nil
        case .alias(let name, let mark):
            guard let target = anchors[name] else {
                throw YAMLError(
                    .unknownAlias, file: file, at: mark, path: YAMLPath.render(currentPath()),
                    "unknown alias '*\(name)': no anchor '&\(name)' is defined before it")
            }
            try add(target)
        case .scalar(let text, let style, let tag, let anchor, let mark):
            try complete(YAMLNode(.scalar(text, style: style), tag: tag, anchor: anchor, mark: mark))
        case .sequenceStart(let tag, let anchor, let mark):
            frames.append(Frame(isMapping: false, tag: tag, anchor: anchor, mark: mark))
        case .mappingStart(let tag, let anchor, let mark):
            frames.append(Frame(isMapping: true, tag: tag, anchor: anchor, mark: mark))
        case .sequenceEnd:
            let frame = frames.removeLast()
            try complete(YAMLNode(.sequence(frame.items), tag: frame.tag, anchor: frame.anchor, mark: frame.mark))
        case .mappingEnd:
            let frame = frames.removeLast()
            let pairs = try expandMerges(frame.entries)
            try complete(YAMLNode(.mapping(pairs), tag: frame.tag, anchor: frame.anchor, mark: frame.mark))
        }
    }

    /// Registers the anchor only once the node is complete, so an alias inside
    /// its own anchored node is "unknown" and cycles cannot be built.
    private mutating func complete(_ node: YAMLNode) throws {
        if let anchor = node.anchor { anchors[anchor] = node }
        try add(node)
    }

    private mutating func add(_ node: YAMLNode) throws {
        guard !frames.isEmpty else {
            root = node
            return
        }
        let top = frames.count - 1
        guard frames[top].isMapping else {
            frames[top].items.append(node)
            return
        }
        guard let key = frames[top].pendingKey else {
            if let name = node.scalar {
                if let first = frames[top].seenKeys[name] {
                    throw YAMLError(
                        .duplicateKey, file: file, at: node.mark,
                        path: YAMLPath.render(currentPath() + [.key(name)]),
                        "duplicate key '\(name)' (first defined at line \(first.line), column \(first.column))")
                }
                frames[top].seenKeys[name] = node.mark
            }
            frames[top].pendingKey = node
            return
        }
        frames[top].pendingKey = nil
        frames[top].entries.append(Self.isMergeKey(key) ? .merge(node) : .pair(key, node))
    }

    private static func isMergeKey(_ key: YAMLNode) -> Bool {
        key.scalar == "<<" && key.style == .plain && (key.tag == nil || key.tag == CoreTag.merge)
    }

    /// Explicit keys win over merged ones, and earlier merge sources win over later ones.
    /// Merged entries take the place of the `<<` key so document order stays intuitive.
    private func expandMerges(_ entries: [Entry]) throws -> [YAMLNode.Pair] {
        var taken = Set<String>()
        for case .pair(let key, _) in entries {
            if let name = key.scalar { taken.insert(name) }
        }
        var pairs: [YAMLNode.Pair] = []
        for entry in entries {
            switch entry {
            case .pair(let key, let value):
                pairs.append((key, value))
            case .merge(let value):
                for source in try mergeSources(value) {
                    for pair in source {
                        if let name = pair.key.scalar {
                            guard taken.insert(name).inserted else { continue }
                        }
                        pairs.append(pair)
                    }
                }
            }
        }
        return pairs
    }

    private func mergeSources(_ value: YAMLNode) throws -> [[YAMLNode.Pair]] {
        let invalid = { (node: YAMLNode) in
            YAMLError(
                .typeMismatch, file: file, at: node.mark, path: YAMLPath.render(currentPath()),
                "merge key '<<' expects a mapping or a sequence of mappings, found \(node.summary)")
        }
        switch value.content {
        case .mapping(let pairs):
            return [pairs]
        case .sequence(let items):
            return try items.map { item in
                guard let pairs = item.pairs else { throw invalid(item) }
                return pairs
            }
        case .scalar:
            throw invalid(value)
        }
    }

    /// The path of the node currently being built, for error messages.
    private func currentPath() -> [YAMLPath.Component] {
        frames.compactMap { frame in
            if !frame.isMapping { return .index(frame.items.count) }
            return frame.pendingKey.map { .key($0.scalar ?? "<complex key>") }
        }
    }
}
