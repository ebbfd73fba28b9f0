/// State shared by every decoder and container of one `YAMLDecoder.decode` call.
///
/// Key usage is kept as an append-only journal rather than per-node sets so that
/// a failed nested decode (one the caller may catch with `try?` and retry
/// differently) can be undone by truncating to a checkpoint; otherwise half-read
/// mappings from abandoned attempts would be reported as having unknown keys.
/// The class is confined to the synchronous decode call and is not `Sendable`.
final class DecodingState {
    private enum Entry {
        /// A keyed container was opened on this mapping at this coding path.
        case register(YAMLNode, [any CodingKey])
        /// A key was requested (present or not).
        case use(YAMLNode, String)
        /// `allKeys` was read, which accepts every key of the mapping.
        case useAll(YAMLNode)
    }

    let file: String
    let userInfo: [CodingUserInfoKey: Any]
    private var journal: [Entry] = []

    init(file: String, userInfo: [CodingUserInfoKey: Any]) {
        self.file = file
        self.userInfo = userInfo
    }

    func register(_ mapping: YAMLNode, at codingPath: [any CodingKey]) {
        journal.append(.register(mapping, codingPath))
    }

    func use(_ key: String, of mapping: YAMLNode) {
        journal.append(.use(mapping, key))
    }

    func useAll(of mapping: YAMLNode) {
        journal.append(.useAll(mapping))
    }

    var checkpoint: Int { journal.count }

    func rollback(to checkpoint: Int) {
        if checkpoint < journal.count { journal.removeSubrange(checkpoint...) }
    }

    private struct Usage {
        let node: YAMLNode
        let codingPath: [any CodingKey]
        var requested: [String] = []
        var requestedSet: Set<String> = []
        var acceptsAll = false
    }

    /// The unknown key that comes first in the document, if any mapping decoded
    /// through a keyed container holds a key its type never asked for.
    func firstUnknownKey() -> YAMLError? {
        var usages: [ObjectIdentifier: Usage] = [:]
        var order: [ObjectIdentifier] = []
        for entry in journal {
            switch entry {
            case .register(let node, let path):
                let id = ObjectIdentifier(node)
                if usages[id] == nil {
                    usages[id] = Usage(node: node, codingPath: path)
                    order.append(id)
                }
            case .use(let node, let key):
                let id = ObjectIdentifier(node)
                if usages[id]?.requestedSet.insert(key).inserted == true {
                    usages[id]?.requested.append(key)
                }
            case .useAll(let node):
                usages[ObjectIdentifier(node)]?.acceptsAll = true
            }
        }
        var first: (key: YAMLNode, usage: Usage)?
        for id in order {
            guard let usage = usages[id], !usage.acceptsAll else { continue }
            for pair in usage.node.pairs ?? [] {
                guard let name = pair.key.scalar, !usage.requestedSet.contains(name) else { continue }
                if first == nil || pair.key.mark < first!.key.mark { first = (pair.key, usage) }
            }
        }
        guard let (key, usage) = first, let name = key.scalar else { return nil }
        return YAMLError(
            .unknownKey, file: file, at: key.mark,
            path: YAMLPath.render(usage.codingPath + [AnyKey(name)]),
            unknownKeyMessage(name, usage: usage))
    }

    private func unknownKeyMessage(_ name: String, usage: Usage) -> String {
        var message = "unknown key '\(name)'"
        let present = Set((usage.node.pairs ?? []).compactMap { $0.key.scalar })
        let candidates = usage.requested.filter { !present.contains($0) }
        if let suggestion = candidates.min(by: { editDistance(name, $0) < editDistance(name, $1) }),
            editDistance(name, suggestion) <= max(1, suggestion.count / 3)
        {
            message += "; did you mean '\(suggestion)'?"
        }
        if usage.requested.isEmpty {
            message += " (no keys are expected here)"
        } else {
            message += " (expected one of: \(usage.requested.joined(separator: ", ")))"
        }
        return message
    }

    /// Edit distance counting a swap of adjacent characters as one edit
    /// (optimal string alignment), since `prot` for `port` is the typical typo.
    private func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var beforePrevious: [Int] = []
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            beforePrevious = previous
            previous = current
        }
        return previous[b.count]
    }
}
