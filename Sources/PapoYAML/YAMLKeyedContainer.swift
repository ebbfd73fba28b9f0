/// Keyed access to a mapping. Every key request is recorded in the shared
/// state, which is how unknown keys are found once decoding has finished.
struct YAMLKeyedContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    private let decoder: NodeDecoder
    private let pairs: [YAMLNode.Pair]
    private let index: [String: Int]

    init(decoder: NodeDecoder, pairs: [YAMLNode.Pair]) throws {
        var index: [String: Int] = [:]
        for (position, pair) in pairs.enumerated() {
            guard let name = pair.key.scalar else {
                throw decoder.failure(
                    .typeMismatch, "mapping keys must be scalars, found \(pair.key.summary)",
                    at: pair.key.mark)
            }
            index[name] = position
        }
        self.decoder = decoder
        self.pairs = pairs
        self.index = index
        decoder.state.register(decoder.node, at: decoder.codingPath)
    }

    var codingPath: [any CodingKey] { decoder.codingPath }

    var allKeys: [Key] {
        decoder.state.useAll(of: decoder.node)
        return pairs.compactMap { $0.key.scalar.flatMap(Key.init(stringValue:)) }
    }

    func contains(_ key: Key) -> Bool {
        decoder.state.use(key.stringValue, of: decoder.node)
        return index[key.stringValue] != nil
    }

    private func value(for key: Key) throws -> NodeDecoder {
        decoder.state.use(key.stringValue, of: decoder.node)
        guard let position = index[key.stringValue] else {
            // Reported at the mapping that lacks the key, which is where it must be added.
            throw decoder.failure(.missingKey, "missing key '\(key.stringValue)'")
        }
        return decoder.child(pairs[position].value, key: key)
    }

    func decodeNil(forKey key: Key) throws -> Bool { try value(for: key).decodeNil() }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try value(for: key).decodeBool() }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try value(for: key).decodeString() }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try value(for: key).decodeDouble() }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { try value(for: key).decodeFloat() }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try value(for: key).decodeInteger(type) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try value(for: key).decodeInteger(type) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try value(for: key).decodeInteger(type) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try value(for: key).decodeInteger(type) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try value(for: key).decodeInteger(type) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try value(for: key).decodeInteger(type) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try value(for: key).decodeInteger(type) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try value(for: key).decodeInteger(type) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try value(for: key).decodeInteger(type) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try value(for: key).decodeInteger(type) }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try value(for: key).unbox(type)
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try value(for: key).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try value(for: key).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        try superDecoder(named: AnyKey("super"))
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        try superDecoder(named: key)
    }

    /// Like JSONDecoder, an absent key yields a decoder for null rather than an error,
    /// so a superclass with only optional properties still decodes.
    private func superDecoder(named key: any CodingKey) throws -> any Decoder {
        decoder.state.use(key.stringValue, of: decoder.node)
        let value = index[key.stringValue].map { pairs[$0].value } ?? .null(at: decoder.node.mark)
        return decoder.child(value, key: key)
    }
}
