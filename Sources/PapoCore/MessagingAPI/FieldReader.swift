/// Reads typed fields out of a JSON body, collecting every problem instead of stopping.
struct FieldReader {
    let body: [String: JSONValue]
    var errors: [FieldError] = []

    mutating func string(_ field: String, required: Bool = false) -> String? {
        guard let value = body[field], !value.isNull else {
            if required { errors.append(FieldError(field, "is required")) }
            return nil
        }
        guard let text = value.stringValue else {
            errors.append(FieldError(field, "must be a string, got \(value.typeName)"))
            return nil
        }
        return text
    }

    mutating func bool(_ field: String) -> Bool? {
        guard let value = body[field], !value.isNull else { return nil }
        guard let flag = value.boolValue else {
            errors.append(FieldError(field, "must be true or false, got \(value.typeName)"))
            return nil
        }
        return flag
    }

    mutating func number(_ field: String, in range: ClosedRange<Double>) -> Double? {
        guard let value = body[field], !value.isNull else {
            errors.append(FieldError(field, "is required"))
            return nil
        }
        guard let number = value.doubleValue else {
            errors.append(FieldError(field, "must be a number, got \(value.typeName)"))
            return nil
        }
        guard range.contains(number) else {
            errors.append(FieldError(field, "must be between \(range.lowerBound) and \(range.upperBound)"))
            return nil
        }
        return number
    }

    mutating func rejectUnknown(allowed: [String]) {
        let known = Set(allowed)
        for key in body.keys.sorted() where !known.contains(key) {
            errors.append(FieldError(key, "unknown field; allowed: \(allowed.sorted().joined(separator: ", "))"))
        }
    }

    /// Exactly one of `url`, `media_id` (a provider's id) or `media_ref` (a file uploaded to Papo).
    mutating func mediaSource() -> OutboundMessage.MediaSource? {
        let url = string("url")
        let id = string("media_id")
        let reference = string("media_ref")
        switch (url, id, reference) {
        case (let url?, nil, nil): return .link(url)
        case (nil, let id?, nil): return .id(id)
        case (nil, nil, let reference?):
            guard reference.count == 64, reference.allSatisfy(\.isHexDigit) else {
                errors.append(FieldError("media_ref", "must be the SHA-256 (hex) of a file uploaded to Papo"))
                return nil
            }
            return .id(LocalMedia.prefix + reference.lowercased())
        case (nil, nil, nil):
            errors.append(FieldError("url", "is required (or media_id, or upload the file as multipart 'file')"))
        default:
            errors.append(FieldError("url", "send only one of url, media_id or an uploaded file"))
        }
        return nil
    }

    mutating func content(for endpoint: SendRequest.Endpoint) -> OutboundMessage.Content? {
        switch endpoint {
        case .text:
            guard let text = string("text", required: true) else { return nil }
            return .text(body: text, previewURL: bool("preview_url") ?? false)
        case .media:
            let typeName = string("type", required: true)
            let kinds: [OutboundMessage.MediaKind] = [.image, .video, .document, .sticker]
            let kind = typeName.flatMap { name in kinds.first { $0.rawValue == name } }
            if typeName != nil, kind == nil {
                errors.append(
                    FieldError("type", "must be one of image, video, document, sticker (audio has /messages/audio)"))
            }
            let source = mediaSource()
            let caption = string("caption")
            let filename = string("filename")
            guard let kind, let source else { return nil }
            return .media(.init(kind: kind, source: source, caption: caption, filename: filename))
        case .audio:
            let source = mediaSource()
            let voice = bool("voice") ?? false
            guard let source else { return nil }
            return .media(.init(kind: .audio, source: source, voice: voice))
        case .location:
            let latitude = number("latitude", in: -90...90)
            let longitude = number("longitude", in: -180...180)
            let name = string("name")
            let address = string("address")
            guard let latitude, let longitude else { return nil }
            return .location(.init(latitude: latitude, longitude: longitude, name: name, address: address))
        case .template:
            let name = string("name", required: true)
            let language = string("language", required: true)
            var parameters: [OutboundMessage.Template.Parameter] = []
            if let value = body["body_parameters"] {
                if let items = value.arrayValue, items.allSatisfy({ $0.stringValue != nil }) {
                    parameters = items.compactMap(\.stringValue).map { .text($0) }
                } else {
                    errors.append(FieldError("body_parameters", "must be an array of strings"))
                }
            }
            guard let name, let language else { return nil }
            let components =
                parameters.isEmpty ? [] : [OutboundMessage.Template.Component(kind: .body, parameters: parameters)]
            return .template(.init(name: name, language: language, components: components))
        case .interactive:
            let text = string("body", required: true)
            let footer = string("footer")
            let header = string("header")
            var buttons: [OutboundMessage.ReplyButton] = []
            if let items = body["buttons"]?.arrayValue {
                for (index, item) in items.enumerated() {
                    guard let id = item["id"]?.stringValue, let title = item["title"]?.stringValue else {
                        errors.append(FieldError("buttons[\(index)]", "must be an object with string id and title"))
                        continue
                    }
                    buttons.append(.init(id: id, title: title))
                }
            } else {
                errors.append(FieldError("buttons", "is required: 1 to 3 reply buttons"))
            }
            guard let text else { return nil }
            return .buttons(.init(header: header.map { .text($0) }, body: text, footer: footer, buttons: buttons))
        }
    }
}
