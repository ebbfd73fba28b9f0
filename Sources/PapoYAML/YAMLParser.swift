import CYAML
public import Foundation

/// Parses YAML text into `YAMLNode` trees by driving libyaml's event API.
///
/// All functions throw `YAMLError`: `.syntax` for anything libyaml rejects,
/// `.duplicateKey`, `.unknownAlias` and `.typeMismatch` (for a malformed
/// merge key) for structural problems found while building the tree.
public enum YAMLParser {
    /// Parses a single-document stream. Empty input yields a null node;
    /// more than one document is an error.
    public static func parse(_ text: String, file: String = "<input>") throws -> YAMLNode {
        try single(documents(Array(text.utf8), file: file), file: file)
    }

    /// Parses a single-document stream from bytes (UTF-8, or UTF-16 with a BOM).
    public static func parse(_ data: Data, file: String = "<input>") throws -> YAMLNode {
        try single(documents(Array(data), file: file), file: file)
    }

    /// Parses every document of a stream (`---` separated), in order.
    public static func parseAll(_ text: String, file: String = "<input>") throws -> [YAMLNode] {
        try documents(Array(text.utf8), file: file).map(\.root)
    }

    /// Parses every document of a stream from bytes.
    public static func parseAll(_ data: Data, file: String = "<input>") throws -> [YAMLNode] {
        try documents(Array(data), file: file).map(\.root)
    }

    private static func single(_ documents: [TreeBuilder.Document], file: String) throws -> YAMLNode {
        guard documents.count <= 1 else {
            throw YAMLError(
                .syntax, file: file, at: documents[1].start,
                "expected a single document but found \(documents.count)")
        }
        return documents.first?.root ?? .null(at: YAMLMark(line: 1, column: 1))
    }

    static func documents(_ bytes: [UInt8], file: String) throws -> [TreeBuilder.Document] {
        // libyaml asserts on a null input pointer, which an empty array may give;
        // a trailing NUL that is not counted in the size keeps the pointer valid.
        let input = bytes + [0]
        return try input.withUnsafeBufferPointer { buffer in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                throw YAMLError(
                    .syntax, file: file, at: YAMLMark(line: 1, column: 1), "libyaml could not be initialised")
            }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, bytes.count)

            var builder = TreeBuilder(file: file)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else {
                    throw syntaxError(parser, bytes: bytes, file: file)
                }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                if let converted = convert(event) { try builder.handle(converted) }
            }
            return builder.documents
        }
    }

    /// Copies what the tree builder needs out of libyaml's event, whose memory
    /// is released by `yaml_event_delete` right after.
    private static func convert(_ event: yaml_event_t) -> TreeBuilder.Event? {
        let mark = YAMLMark(event.start_mark)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            return .documentStart(mark)
        case YAML_DOCUMENT_END_EVENT:
            return .documentEnd
        case YAML_ALIAS_EVENT:
            return .alias(string(event.data.alias.anchor) ?? "", mark)
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: scalar.value, count: scalar.length), as: UTF8.self)
            return .scalar(text, style(scalar.style), tag: string(scalar.tag), anchor: string(scalar.anchor), mark)
        case YAML_SEQUENCE_START_EVENT:
            let start = event.data.sequence_start
            return .sequenceStart(tag: string(start.tag), anchor: string(start.anchor), mark)
        case YAML_SEQUENCE_END_EVENT:
            return .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            let start = event.data.mapping_start
            return .mappingStart(tag: string(start.tag), anchor: string(start.anchor), mark)
        case YAML_MAPPING_END_EVENT:
            return .mappingEnd
        default:
            return nil
        }
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: UnsafePointer($0)) }
    }

    private static func style(_ style: yaml_scalar_style_t) -> YAMLScalarStyle {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: return .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: return .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: return .literal
        case YAML_FOLDED_SCALAR_STYLE: return .folded
        default: return .plain
        }
    }

    private static func syntaxError(_ parser: yaml_parser_t, bytes: [UInt8], file: String) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "invalid YAML"
        switch parser.error {
        case YAML_MEMORY_ERROR:
            return YAMLError(.syntax, file: file, at: YAMLMark(line: 1, column: 1), "libyaml ran out of memory")
        case YAML_READER_ERROR:
            // Reader errors (bad encoding) only carry a byte offset, not a mark.
            var message = problem
            if parser.problem_value >= 0 {
                message += " (byte 0x" + String(parser.problem_value, radix: 16, uppercase: true) + ")"
            }
            return YAMLError(.syntax, file: file, at: mark(ofByte: parser.problem_offset, in: bytes), message)
        default:
            var message = problem
            if let context = parser.context.map({ String(cString: $0) }) {
                let start = YAMLMark(parser.context_mark)
                message += " (\(context) started at line \(start.line), column \(start.column))"
            }
            return YAMLError(.syntax, file: file, at: YAMLMark(parser.problem_mark), message)
        }
    }

    private static func mark(ofByte offset: Int, in bytes: [UInt8]) -> YAMLMark {
        var line = 1
        var column = 1
        for byte in bytes.prefix(offset) {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return YAMLMark(line: line, column: column)
    }
}

extension YAMLMark {
    /// libyaml marks are 0-based.
    init(_ mark: yaml_mark_t) {
        self.init(line: mark.line + 1, column: mark.column + 1)
    }
}
