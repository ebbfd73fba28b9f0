/// The members of a `YAMLValue.object`: string keys in document order.
///
/// Order is kept so that configuration passed on as JSON reads the way it was
/// written; equality and hashing ignore order, as for JSON objects.
public struct YAMLObject: Sendable, Hashable, Sequence, ExpressibleByDictionaryLiteral {
    /// The keys in insertion (document) order.
    public private(set) var keys: [String] = []
    private var storage: [String: YAMLValue] = [:]

    /// An empty object.
    public init() {}

    /// Creates an object from key/value pairs; a repeated key keeps its first
    /// position and its last value.
    public init<S: Sequence>(_ members: S) where S.Element == (String, YAMLValue) {
        for (key, value) in members { self[key] = value }
    }

    public init(dictionaryLiteral elements: (String, YAMLValue)...) {
        self.init(elements)
    }

    /// The number of members.
    public var count: Int { keys.count }

    /// Whether the object has no members.
    public var isEmpty: Bool { keys.isEmpty }

    /// The values in key order.
    public var values: [YAMLValue] { keys.map { storage[$0]! } }

    /// The members as an unordered dictionary.
    public var dictionary: [String: YAMLValue] { storage }

    /// Reads, replaces, appends or (with `nil`) removes a member.
    public subscript(key: String) -> YAMLValue? {
        get { storage[key] }
        set {
            if let newValue {
                if storage.updateValue(newValue, forKey: key) == nil { keys.append(key) }
            } else if storage.removeValue(forKey: key) != nil {
                keys.removeAll { $0 == key }
            }
        }
    }

    /// Iterates `(key, value)` pairs in key order.
    public func makeIterator() -> IndexingIterator<[(key: String, value: YAMLValue)]> {
        keys.map { (key: $0, value: storage[$0]!) }.makeIterator()
    }

    public static func == (lhs: YAMLObject, rhs: YAMLObject) -> Bool {
        lhs.storage == rhs.storage
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(storage)
    }
}
