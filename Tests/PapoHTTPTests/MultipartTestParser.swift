import Foundation

/// What the fake server reports for each part it parsed from a multipart upload.
struct ParsedPart: Codable, Equatable {
    var name: String
    var filename: String?
    var contentType: String?
    var size: Int
    /// Sum of the bytes modulo 2^32, so a test can tell the content arrived unchanged.
    var checksum: UInt32
    /// The content as text for small parts, so field values can be checked.
    var text: String?
}

/// A small RFC 7578 `multipart/form-data` parser for the fake server, written against the
/// wire format rather than the client's code so the test checks what is really sent.
enum MultipartTestParser {
    struct Malformed: Error {
        var reason: String
    }

    static func parse(body: Data, contentType: String) throws -> [ParsedPart] {
        guard contentType.lowercased().hasPrefix("multipart/form-data"),
            let boundaryRange = contentType.range(of: "boundary=")
        else { throw Malformed(reason: "not multipart/form-data: \(contentType)") }
        var boundary = String(contentType[boundaryRange.upperBound...])
        if let semicolon = boundary.firstIndex(of: ";") { boundary = String(boundary[..<semicolon]) }
        boundary = boundary.trimmingCharacters(in: CharacterSet(charactersIn: "\" "))
        let delimiter = Array("--\(boundary)".utf8)
        let bytes = [UInt8](body)
        var sections: [ArraySlice<UInt8>] = []
        var start: Int?
        var index = 0
        while let found = find(delimiter, in: bytes, from: index) {
            if let start {
                // The CRLF before a delimiter belongs to the delimiter.
                sections.append(bytes[start..<(found - 2)])
            }
            let after = found + delimiter.count
            if bytes[after..<min(after + 2, bytes.count)].elementsEqual("--".utf8) { break }
            start = after + 2
            index = after
        }
        return try sections.map(parsePart)
    }

    private static func parsePart(_ section: ArraySlice<UInt8>) throws -> ParsedPart {
        let separator = Array("\r\n\r\n".utf8)
        guard let split = find(separator, in: Array(section), from: 0) else {
            throw Malformed(reason: "part without header terminator")
        }
        let headerText = String(decoding: section.prefix(split), as: UTF8.self)
        let content = section.dropFirst(split + separator.count)
        var name: String?
        var filename: String?
        var contentType: String?
        for line in headerText.components(separatedBy: "\r\n") {
            let lower = line.lowercased()
            if lower.hasPrefix("content-disposition:") {
                name = quotedParameter("name", in: line)
                filename = quotedParameter("filename", in: line)
            } else if lower.hasPrefix("content-type:") {
                contentType = line.dropFirst("content-type:".count).trimmingCharacters(in: .whitespaces)
            }
        }
        guard let name else { throw Malformed(reason: "part without a name") }
        return ParsedPart(
            name: name, filename: filename, contentType: contentType, size: content.count,
            checksum: content.reduce(0) { $0 &+ UInt32($1) },
            text: content.count <= 64 ? String(decoding: content, as: UTF8.self) : nil)
    }

    private static func quotedParameter(_ key: String, in line: String) -> String? {
        guard let range = line.range(of: "; \(key)=\"") else { return nil }
        let rest = line[range.upperBound...]
        guard let end = rest.firstIndex(of: "\"") else { return nil }
        return String(rest[..<end])
    }

    private static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard needle.count <= haystack.count else { return nil }
        var index = start
        while index + needle.count <= haystack.count {
            if haystack[index] == needle[0], haystack[index..<(index + needle.count)].elementsEqual(needle) {
                return index
            }
            index += 1
        }
        return nil
    }
}
