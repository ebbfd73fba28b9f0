public import Foundation

/// Decodes `Decodable` values from YAML.
///
/// Scalars are converted according to the type being decoded (YAML 1.2 core
/// schema, plus `yes/no/on/off` for `Bool`). `Date` is read as ISO-8601, `URL`
/// from its string, `Data` as base64 and `Decimal` from its literal text.
///
/// Every error thrown is a `YAMLError` carrying file, line, column and path,
/// except errors of other types thrown by the caller's own `init(from:)`.
///
/// ```swift
/// let config = try YAMLDecoder().decode(Config.self, from: text, file: "papo.yaml")
/// ```
public struct YAMLDecoder: Sendable {
    /// Reject keys that the decoded types never ask for, so a misspelt key in a
    /// template fails loudly instead of silently falling back to a default.
    /// Mappings read through `allKeys` (dictionaries) and `YAMLValue` fields accept any key.
    public var rejectUnknownKeys: Bool

    /// Values made available to `init(from:)` through `decoder.userInfo`.
    public var userInfo: [CodingUserInfoKey: any Sendable]

    /// Creates a decoder.
    public init(rejectUnknownKeys: Bool = true, userInfo: [CodingUserInfoKey: any Sendable] = [:]) {
        self.rejectUnknownKeys = rejectUnknownKeys
        self.userInfo = userInfo
    }

    /// Decodes a value from a single-document YAML text.
    /// - Parameter file: The name used in error messages.
    public func decode<T: Decodable>(_ type: T.Type, from text: String, file: String = "<input>") throws -> T {
        try decode(type, from: YAMLParser.parse(text, file: file), file: file)
    }

    /// Decodes a value from a single-document YAML byte buffer.
    public func decode<T: Decodable>(_ type: T.Type, from data: Data, file: String = "<input>") throws -> T {
        try decode(type, from: YAMLParser.parse(data, file: file), file: file)
    }

    /// Decodes one value per document of a multi-document stream.
    public func decodeAll<T: Decodable>(_ type: T.Type, from text: String, file: String = "<input>") throws -> [T] {
        try YAMLParser.parseAll(text, file: file).map { try decode(type, from: $0, file: file) }
    }

    /// Decodes a value from an already parsed node.
    public func decode<T: Decodable>(_ type: T.Type, from node: YAMLNode, file: String = "<input>") throws -> T {
        let state = DecodingState(file: file, userInfo: userInfo.mapValues { $0 as Any })
        let decoder = NodeDecoder(node: node, state: state, codingPath: [])
        let value: T
        do {
            value = try decoder.unbox(type)
        } catch let error as DecodingError {
            // `unbox` converts these already; this keeps the "only YAMLError" promise
            // independent of that implementation detail.
            throw decoder.convert(error)
        }
        if rejectUnknownKeys, let error = state.firstUnknownKey() {
            throw error
        }
        return value
    }
}
