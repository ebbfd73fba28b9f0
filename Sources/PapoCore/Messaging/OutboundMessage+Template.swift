extension OutboundMessage {
    /// An approved message template with its parameters (meta-cloud-api.md §1.3 `template`).
    public struct Template: Sendable, Hashable {
        /// One template part that takes parameters.
        public struct Component: Sendable, Hashable {
            /// Which part of the template the parameters fill.
            public enum Kind: String, Sendable, Hashable {
                case header
                case body
                case button
            }

            /// The kind of a button component.
            public enum ButtonKind: String, Sendable, Hashable {
                case quickReply = "quick_reply"
                case url
            }

            public var kind: Kind
            /// Required for buttons.
            public var buttonKind: ButtonKind?
            /// The button's position in the template, for buttons.
            public var index: Int?
            public var parameters: [Parameter]

            public init(kind: Kind, buttonKind: ButtonKind? = nil, index: Int? = nil, parameters: [Parameter]) {
                self.kind = kind
                self.buttonKind = buttonKind
                self.index = index
                self.parameters = parameters
            }

            /// A body component with positional (or named) text parameters.
            public static func body(_ parameters: [Parameter]) -> Component {
                Component(kind: .body, parameters: parameters)
            }
        }

        /// One value that fills a `{{n}}` (or `{{name}}`) placeholder.
        public enum Parameter: Sendable, Hashable {
            /// Text; `name` is set for templates with named parameters.
            case text(String, name: String? = nil)
            /// An amount in thousandths of the currency unit, with a fallback text.
            case currency(fallback: String, code: String, amount1000: Int)
            /// A date shown as the fallback text.
            case dateTime(fallback: String)
            case image(MediaSource)
            case document(MediaSource, filename: String? = nil)
            case video(MediaSource)
            /// The payload returned when a quick-reply button is tapped.
            case payload(String)
        }

        public var name: String
        /// The template's language code, such as `en_US` or `pt_BR`.
        public var language: String
        public var components: [Component]

        public init(name: String, language: String, components: [Component] = []) {
            self.name = name
            self.language = language
            self.components = components
        }

        func validate() throws(FieldError) {
            try Check.nonEmpty(name, field: "template.name")
            try Check.nonEmpty(language, field: "template.language.code")
            for (index, component) in components.enumerated() {
                let field = "template.components[\(index)]"
                if component.kind == .button {
                    guard component.buttonKind != nil else {
                        throw FieldError(field + ".sub_type", "is required for buttons")
                    }
                    guard let buttonIndex = component.index, buttonIndex >= 0 else {
                        throw FieldError(field + ".index", "is required for buttons and must not be negative")
                    }
                }
                for (parameterIndex, parameter) in component.parameters.enumerated() {
                    try parameter.validate(field: field + ".parameters[\(parameterIndex)]")
                }
            }
        }
    }
}

extension OutboundMessage.Template.Parameter {
    func validate(field: String) throws(FieldError) {
        switch self {
        case .text(let text, _): try Check.nonEmpty(text, field: field + ".text")
        case .currency(let fallback, let code, _):
            try Check.nonEmpty(fallback, field: field + ".currency.fallback_value")
            guard code.count == 3, code.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                throw FieldError(field + ".currency.code", "must be an ISO 4217 code")
            }
        case .dateTime(let fallback): try Check.nonEmpty(fallback, field: field + ".date_time.fallback_value")
        case .image(let source): try source.validate(field: field + ".image")
        case .document(let source, _): try source.validate(field: field + ".document")
        case .video(let source): try source.validate(field: field + ".video")
        case .payload(let payload): try Check.nonEmpty(payload, field: field + ".payload")
        }
    }
}
