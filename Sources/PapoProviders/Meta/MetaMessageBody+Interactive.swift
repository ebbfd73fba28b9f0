import PapoCore

/// The `interactive` and `template` objects of meta-cloud-api.md §1.3.
extension MetaMessageBody {
    static func interactive(_ buttons: OutboundMessage.Buttons) -> JSONValue {
        .compact([
            "type": .string("button"),
            "header": buttons.header.map(header),
            "body": .compact(["text": .string(buttons.body)]),
            "footer": buttons.footer.map { .compact(["text": .string($0)]) },
            "action": .compact([
                "buttons": .array(
                    buttons.buttons.map {
                        .compact([
                            "type": .string("reply"),
                            "reply": .compact(["id": .string($0.id), "title": .string($0.title)]),
                        ])
                    })
            ]),
        ])
    }

    static func interactive(_ list: OutboundMessage.List) -> JSONValue {
        .compact([
            "type": .string("list"),
            "header": list.header.map { header(.text($0)) },
            "body": .compact(["text": .string(list.body)]),
            "footer": list.footer.map { .compact(["text": .string($0)]) },
            "action": .compact([
                "button": .string(list.button),
                "sections": .array(
                    list.sections.map { section in
                        .compact([
                            "title": section.title.map(JSONValue.string),
                            "rows": .array(
                                section.rows.map {
                                    .compact([
                                        "id": .string($0.id), "title": .string($0.title),
                                        "description": $0.description.map(JSONValue.string),
                                    ])
                                }),
                        ])
                    }),
            ]),
        ])
    }

    static func template(_ template: OutboundMessage.Template) -> JSONValue {
        .compact([
            "name": .string(template.name),
            "language": .compact(["code": .string(template.language)]),
            "components": template.components.isEmpty ? nil : .array(template.components.map(component)),
        ])
    }

    private static func header(_ header: OutboundMessage.InteractiveHeader) -> JSONValue {
        switch header {
        case .text(let text):
            return .compact(["type": .string("text"), "text": .string(text)])
        case .image(let source):
            return .compact(["type": .string("image"), "image": .object(self.source(source))])
        case .video(let source):
            return .compact(["type": .string("video"), "video": .object(self.source(source))])
        case .document(let source, let filename):
            var document = self.source(source)
            if let filename { document["filename"] = .string(filename) }
            return .compact(["type": .string("document"), "document": .object(document)])
        }
    }

    private static func component(_ component: OutboundMessage.Template.Component) -> JSONValue {
        .compact([
            "type": .string(component.kind.rawValue),
            "sub_type": component.buttonKind.map { .string($0.rawValue) },
            "index": component.index.map(JSONValue.integer),
            "parameters": .array(component.parameters.map(parameter)),
        ])
    }

    private static func parameter(_ parameter: OutboundMessage.Template.Parameter) -> JSONValue {
        switch parameter {
        case .text(let text, let name):
            return .compact([
                "type": .string("text"), "text": .string(text), "parameter_name": name.map(JSONValue.string),
            ])
        case .currency(let fallback, let code, let amount1000):
            return .compact([
                "type": .string("currency"),
                "currency": .compact([
                    "fallback_value": .string(fallback), "code": .string(code),
                    "amount_1000": .integer(amount1000),
                ]),
            ])
        case .dateTime(let fallback):
            return .compact([
                "type": .string("date_time"), "date_time": .compact(["fallback_value": .string(fallback)]),
            ])
        case .image(let source):
            return .compact(["type": .string("image"), "image": .object(self.source(source))])
        case .video(let source):
            return .compact(["type": .string("video"), "video": .object(self.source(source))])
        case .document(let source, let filename):
            var document = self.source(source)
            if let filename { document["filename"] = .string(filename) }
            return .compact(["type": .string("document"), "document": .object(document)])
        case .payload(let payload):
            return .compact(["type": .string("payload"), "payload": .string(payload)])
        }
    }
}
