public import Foundation

/// A `multipart/form-data` body, built by libcurl's mime API (which writes the boundary and
/// the part headers, so no part content can break the framing).
public struct MultipartForm: Sendable, Hashable {
    /// One form part: a plain field, or a file with a file name and content type.
    public struct Part: Sendable, Hashable {
        /// The form field name.
        public var name: String
        /// The file name, sent in `Content-Disposition`; `nil` for plain fields.
        public var filename: String?
        /// The part's `Content-Type`; `nil` lets libcurl choose.
        public var contentType: String?
        /// The part's content.
        public var data: Data

        /// Creates a part.
        public init(name: String, filename: String? = nil, contentType: String? = nil, data: Data) {
            self.name = name
            self.filename = filename
            self.contentType = contentType
            self.data = data
        }

        /// A plain text field.
        public static func field(name: String, value: String) -> Part {
            Part(name: name, data: Data(value.utf8))
        }

        /// A file upload.
        public static func file(
            name: String, filename: String, contentType: String = "application/octet-stream",
            data: Data
        ) -> Part {
            Part(name: name, filename: filename, contentType: contentType, data: data)
        }
    }

    /// The parts, in the order they are sent.
    public var parts: [Part]

    /// Creates a form from parts.
    public init(_ parts: [Part] = []) {
        self.parts = parts
    }

    /// Appends a plain text field.
    public mutating func addField(name: String, value: String) {
        parts.append(.field(name: name, value: value))
    }

    /// Appends a file part.
    public mutating func addFile(
        name: String, filename: String, contentType: String = "application/octet-stream",
        data: Data
    ) {
        parts.append(.file(name: name, filename: filename, contentType: contentType, data: data))
    }
}
