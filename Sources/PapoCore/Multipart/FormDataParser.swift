public import Foundation

/// One part of a `multipart/form-data` body.
public struct FormPart: Sendable, Equatable {
    /// The `filename` of a file part.
    public var filename: String?
    /// The part's `Content-Type`.
    public var contentType: String?
    /// The part's bytes.
    public var data: Data

    /// The content as UTF-8 text.
    public var text: String { String(decoding: data, as: UTF8.self) }
}

/// A `multipart/form-data` reader: media uploads to the messages API, and the test fakes
/// checking what a client uploaded. Parts are keyed by name (a repeated name keeps the last).
public enum FormDataParser {
    public static func parse(_ body: Data, contentType: String) -> [String: FormPart] {
        guard let boundary = parameter("boundary", in: contentType) else { return [:] }
        let delimiter = Data("--\(boundary)".utf8)
        let headerEnd = Data("\r\n\r\n".utf8)
        var parts: [String: FormPart] = [:]
        var cursor = body.startIndex
        while let start = body.range(of: delimiter, in: cursor..<body.endIndex) {
            let afterDelimiter = start.upperBound
            guard let next = body.range(of: delimiter, in: afterDelimiter..<body.endIndex) else { break }
            // A part is `\r\n<headers>\r\n\r\n<content>\r\n` between two delimiters.
            let part = body[afterDelimiter..<next.lowerBound]
            cursor = next.lowerBound
            guard let split = part.range(of: headerEnd) else { continue }
            let headers = String(decoding: part[part.startIndex..<split.lowerBound], as: UTF8.self)
            var content = Data(part[split.upperBound...])
            if content.suffix(2) == Data("\r\n".utf8) { content.removeLast(2) }
            var name: String?
            var filename: String?
            var type: String?
            for line in headers.split(whereSeparator: \.isNewline) {
                let lowered = line.lowercased()
                if lowered.hasPrefix("content-disposition:") {
                    name = parameter("name", in: String(line))
                    filename = parameter("filename", in: String(line))
                } else if lowered.hasPrefix("content-type:") {
                    type = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
                }
            }
            if let name {
                parts[name] = FormPart(filename: filename, contentType: type, data: content)
            }
        }
        return parts
    }

    /// `key=value` or `key="value"` from a header value's `;`-separated parameters.
    public static func parameter(_ key: String, in header: String) -> String? {
        for piece in header.split(separator: ";") {
            let pair = piece.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.hasPrefix("\""), value.hasSuffix("\""), value.count >= 2 {
                value = String(value.dropFirst().dropLast())
            }
            return value
        }
        return nil
    }
}
