public import Foundation

extension YAMLValue {
    /// The value as Foundation objects accepted by `JSONSerialization`:
    /// `NSNull`, `Bool`, `Int`, `Double`, `String`, `[Any]` and `[String: Any]`.
    /// Object key order is lost here; use `jsonData()` to keep it.
    public var jsonObject: Any {
        switch self {
        case .null: return NSNull()
        case .bool(let value): return value
        case .int(let value): return value
        case .double(let value): return value
        case .string(let value): return value
        case .array(let items): return items.map(\.jsonObject)
        case .object(let object): return object.dictionary.mapValues(\.jsonObject)
        }
    }

    /// UTF-8 JSON text with object keys in document order.
    /// - Throws: `YAMLError` of kind `.valueOutOfRange` for `.nan` or infinite
    ///   doubles, which JSON cannot represent; its `path` names the value.
    public func jsonData(prettyPrinted: Bool = false) throws -> Data {
        Data(try jsonString(prettyPrinted: prettyPrinted).utf8)
    }

    /// JSON text with object keys in document order; see `jsonData(prettyPrinted:)`.
    public func jsonString(prettyPrinted: Bool = false) throws -> String {
        var writer = JSONWriter(pretty: prettyPrinted)
        try writer.write(self, depth: 0, path: [])
        return writer.output
    }
}

/// A small JSON serialiser; `JSONSerialization` cannot keep key order.
private struct JSONWriter {
    let pretty: Bool
    var output = ""

    init(pretty: Bool) {
        self.pretty = pretty
    }

    mutating func write(_ value: YAMLValue, depth: Int, path: [YAMLPath.Component]) throws {
        switch value {
        case .null: output += "null"
        case .bool(let bool): output += bool ? "true" : "false"
        case .int(let int): output += String(int)
        case .double(let double):
            guard double.isFinite else {
                throw YAMLError(
                    kind: .valueOutOfRange, file: "<json>", line: 0, column: 0,
                    path: YAMLPath.render(path), message: "\(double) cannot be represented in JSON")
            }
            output += "\(double)"
        case .string(let string): writeString(string)
        case .array(let items):
            try writeContainer(open: "[", close: "]", count: items.count, depth: depth) { writer, index in
                try writer.write(items[index], depth: depth + 1, path: path + [.index(index)])
            }
        case .object(let object):
            let members = Array(object)
            try writeContainer(open: "{", close: "}", count: members.count, depth: depth) { writer, index in
                writer.writeString(members[index].key)
                writer.output += writer.pretty ? ": " : ":"
                try writer.write(members[index].value, depth: depth + 1, path: path + [.key(members[index].key)])
            }
        }
    }

    private mutating func writeContainer(
        open: String, close: String, count: Int, depth: Int,
        element: (inout JSONWriter, Int) throws -> Void
    ) throws {
        output += open
        guard count > 0 else {
            output += close
            return
        }
        for index in 0..<count {
            if index > 0 { output += "," }
            newline(depth + 1)
            try element(&self, index)
        }
        newline(depth)
        output += close
    }

    private mutating func newline(_ depth: Int) {
        guard pretty else { return }
        output += "\n" + String(repeating: "  ", count: depth)
    }

    private mutating func writeString(_ string: String) {
        output += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }
}
