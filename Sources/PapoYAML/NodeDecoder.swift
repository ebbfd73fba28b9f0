import Foundation

/// The `Decoder` handed to `Decodable` initialisers: one node plus its coding path.
/// It doubles as the single-value container, since both views describe the same node.
struct NodeDecoder: Decoder {
    let node: YAMLNode
    let state: DecodingState
    let codingPath: [any CodingKey]

    var userInfo: [CodingUserInfoKey: Any] { state.userInfo }

    func child(_ node: YAMLNode, key: any CodingKey) -> NodeDecoder {
        NodeDecoder(node: node, state: state, codingPath: codingPath + [key])
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard let pairs = node.pairs else { throw mismatch(expected: "a mapping") }
        return KeyedDecodingContainer(try YAMLKeyedContainer<Key>(decoder: self, pairs: pairs))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard let items = node.items else { throw mismatch(expected: "a sequence") }
        return YAMLUnkeyedContainer(decoder: self, items: items)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer { self }

    // MARK: Errors

    func failure(_ kind: YAMLError.Kind, _ message: String, at mark: YAMLMark? = nil) -> YAMLError {
        YAMLError(kind, file: state.file, at: mark ?? node.mark, path: YAMLPath.render(codingPath), message)
    }

    func mismatch(expected: String) -> YAMLError {
        var message = "expected \(expected) but found \(node.summary)"
        if node.style?.isQuoted == true, expected != "a mapping", expected != "a sequence" {
            message += " (quoted scalars are always strings)"
        }
        return failure(.typeMismatch, message)
    }

    /// Maps a `DecodingError` thrown by a `Decodable` implementation (ours or the
    /// standard library's, e.g. for an invalid enum raw value) to a positioned `YAMLError`.
    func convert(_ error: DecodingError) -> YAMLError {
        let kind: YAMLError.Kind
        let context: DecodingError.Context
        var message: String
        switch error {
        case .typeMismatch(let type, let ctx):
            (kind, context, message) = (.typeMismatch, ctx, "type mismatch for \(type)")
        case .valueNotFound(let type, let ctx):
            (kind, context, message) = (.typeMismatch, ctx, "expected \(type) but found null")
        case .keyNotFound(let key, let ctx):
            (kind, context, message) = (.missingKey, ctx, "missing key '\(key.stringValue)'")
        case .dataCorrupted(let ctx):
            (kind, context, message) = (.dataCorrupted, ctx, "invalid value")
        @unknown default:
            return failure(.dataCorrupted, String(describing: error))
        }
        if let underlying = context.underlyingError as? YAMLError { return underlying }
        if !context.debugDescription.isEmpty, kind != .missingKey { message = context.debugDescription }
        // A hand-written error may carry a shorter (often empty) path than the
        // decoder that threw it; the decoder's own path is the better location then.
        let path = context.codingPath.count >= codingPath.count ? context.codingPath : codingPath
        return YAMLError(kind, file: state.file, at: locate(path).mark, path: YAMLPath.render(path), message)
    }

    /// Follows the part of `path` below this decoder as far as the tree allows.
    private func locate(_ path: [any CodingKey]) -> YAMLNode {
        guard path.count >= codingPath.count else { return node }
        var current = node
        for key in path.dropFirst(codingPath.count) {
            if let items = current.items, let index = key.intValue, items.indices.contains(index) {
                current = items[index]
            } else if let value = current[key.stringValue] {
                current = value
            } else {
                break
            }
        }
        return current
    }

    // MARK: Values

    /// The single entry point for decoding any `Decodable` from this node.
    func unbox<T: Decodable>(_ type: T.Type) throws -> T {
        if let value = try decodeFoundationValue(type) { return value }
        let checkpoint = state.checkpoint
        do {
            return try T(from: self)
        } catch let error as DecodingError {
            state.rollback(to: checkpoint)
            throw convert(error)
        } catch {
            state.rollback(to: checkpoint)
            throw error
        }
    }

    /// Foundation types whose own `Codable` representation is not what a YAML
    /// author writes (Date as seconds, URL as a keyed object, Data as byte arrays).
    private func decodeFoundationValue<T>(_ type: T.Type) throws -> T? {
        if type == Date.self { return try decodeDate() as? T }
        if type == URL.self { return try decodeURL() as? T }
        if type == Data.self { return try decodeData() as? T }
        if type == Decimal.self { return try decodeDecimal() as? T }
        return nil
    }
}

extension NodeDecoder: SingleValueDecodingContainer {
    func decodeNil() -> Bool { node.isNull }
    func decode(_ type: Bool.Type) throws -> Bool { try decodeBool() }
    func decode(_ type: String.Type) throws -> String { try decodeString() }
    func decode(_ type: Double.Type) throws -> Double { try decodeDouble() }
    func decode(_ type: Float.Type) throws -> Float { try decodeFloat() }
    func decode(_ type: Int.Type) throws -> Int { try decodeInteger(type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decodeInteger(type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decodeInteger(type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decodeInteger(type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decodeInteger(type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decodeInteger(type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decodeInteger(type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decodeInteger(type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decodeInteger(type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decodeInteger(type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try unbox(type) }
}
