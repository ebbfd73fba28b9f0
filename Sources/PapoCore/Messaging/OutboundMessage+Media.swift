extension OutboundMessage {
    /// The kinds of media WhatsApp sends; each has its own MIME types and size limit.
    public enum MediaKind: String, Sendable, Hashable, Codable, CaseIterable {
        case image
        case video
        case document
        case sticker
        case audio
    }

    /// Where the media comes from: a public link WhatsApp fetches, or an id from a provider's
    /// media upload. Meta accepts one or the other, never both.
    public enum MediaSource: Sendable, Hashable {
        case link(String)
        case id(String)

        func validate(field: String) throws(FieldError) {
            switch self {
            case .link(let url):
                let lowered = url.lowercased()
                let scheme = lowered.hasPrefix("https://") ? 8 : lowered.hasPrefix("http://") ? 7 : 0
                guard scheme > 0, url.utf8.count > scheme else {
                    throw FieldError(field + ".link", "must be an http or https URL")
                }
                guard !url.unicodeScalars.contains(where: { $0.properties.isWhitespace || $0.value < 0x20 }) else {
                    throw FieldError(field + ".link", "must not contain whitespace")
                }
            case .id(let id):
                try Check.nonEmpty(id, field: field + ".id")
            }
        }
    }

    /// A media message.
    public struct Media: Sendable, Hashable {
        public var kind: MediaKind
        public var source: MediaSource
        /// Shown under images, videos and documents; WhatsApp has no caption for audio or
        /// stickers.
        public var caption: String?
        /// The file name shown for documents.
        public var filename: String?
        /// Sends audio as a voice note (OGG/OPUS only) instead of an audio file.
        public var voice: Bool

        /// Creates a media message; ``OutboundMessage/validate()`` checks which fields each kind takes.
        public init(
            kind: MediaKind, source: MediaSource, caption: String? = nil, filename: String? = nil,
            voice: Bool = false
        ) {
            self.kind = kind
            self.source = source
            self.caption = caption
            self.filename = filename
            self.voice = voice
        }

        func validate() throws(FieldError) {
            let field = kind.rawValue
            try source.validate(field: field)
            if let caption {
                guard [.image, .video, .document].contains(kind) else {
                    throw FieldError(field + ".caption", "is not supported for \(kind.rawValue)")
                }
                try Check.length(caption, field: field + ".caption", max: WhatsAppLimits.caption, allowEmpty: true)
            }
            if let filename {
                guard kind == .document else {
                    throw FieldError(field + ".filename", "is only supported for documents")
                }
                try Check.nonEmpty(filename, field: field + ".filename")
            }
            if voice, kind != .audio {
                throw FieldError(field + ".voice", "is only supported for audio")
            }
        }
    }
}
