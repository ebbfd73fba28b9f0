extension OutboundMessage {
    /// The header above an interactive message's body. Lists take text only.
    public enum InteractiveHeader: Sendable, Hashable {
        case text(String)
        case image(MediaSource)
        case video(MediaSource)
        case document(MediaSource, filename: String? = nil)
    }

    /// One reply button: `id` comes back in the customer's tap, `title` is what they see.
    public struct ReplyButton: Sendable, Hashable {
        public var id: String
        public var title: String

        public init(id: String, title: String) {
            self.id = id
            self.title = title
        }
    }

    /// An interactive message with up to three reply buttons.
    public struct Buttons: Sendable, Hashable {
        public var header: InteractiveHeader?
        public var body: String
        public var footer: String?
        public var buttons: [ReplyButton]

        public init(header: InteractiveHeader? = nil, body: String, footer: String? = nil, buttons: [ReplyButton]) {
            self.header = header
            self.body = body
            self.footer = footer
            self.buttons = buttons
        }

        func validate() throws(FieldError) {
            if let header { try header.validate(field: "interactive.header") }
            try Check.length(body, field: "interactive.body.text", max: WhatsAppLimits.buttonsBody)
            try Check.optionalLength(footer, field: "interactive.footer.text", max: WhatsAppLimits.footer)
            guard (1...WhatsAppLimits.buttons).contains(buttons.count) else {
                throw FieldError(
                    "interactive.action.buttons",
                    "must have 1 to \(WhatsAppLimits.buttons) buttons (has \(buttons.count))")
            }
            var titles = Set<String>()
            var ids = Set<String>()
            for (index, button) in buttons.enumerated() {
                let field = "interactive.action.buttons[\(index)].reply"
                try Check.length(button.id, field: field + ".id", max: WhatsAppLimits.buttonID)
                try Check.length(button.title, field: field + ".title", max: WhatsAppLimits.buttonTitle)
                guard titles.insert(button.title).inserted else {
                    throw FieldError(field + ".title", "must be unique")
                }
                // Meta only demands unique titles; a repeated id would make the tap ambiguous.
                guard ids.insert(button.id).inserted else {
                    throw FieldError(field + ".id", "must be unique")
                }
            }
        }
    }

    /// An interactive list: a button that opens sections of selectable rows.
    public struct List: Sendable, Hashable {
        /// One choice; `id` comes back in the customer's pick.
        public struct Row: Sendable, Hashable {
            public var id: String
            public var title: String
            public var description: String?

            public init(id: String, title: String, description: String? = nil) {
                self.id = id
                self.title = title
                self.description = description
            }
        }

        /// A titled group of rows.
        public struct Section: Sendable, Hashable {
            public var title: String?
            public var rows: [Row]

            public init(title: String? = nil, rows: [Row]) {
                self.title = title
                self.rows = rows
            }
        }

        /// A text header (lists take no media header).
        public var header: String?
        public var body: String
        public var footer: String?
        /// The label of the button that opens the list.
        public var button: String
        public var sections: [Section]

        public init(header: String? = nil, body: String, footer: String? = nil, button: String, sections: [Section]) {
            self.header = header
            self.body = body
            self.footer = footer
            self.button = button
            self.sections = sections
        }

        func validate() throws(FieldError) {
            try Check.optionalLength(header, field: "interactive.header.text", max: WhatsAppLimits.headerText)
            try Check.length(body, field: "interactive.body.text", max: WhatsAppLimits.listBody)
            try Check.optionalLength(footer, field: "interactive.footer.text", max: WhatsAppLimits.footer)
            try Check.length(button, field: "interactive.action.button", max: WhatsAppLimits.listButton)
            guard (1...WhatsAppLimits.listSections).contains(sections.count) else {
                throw FieldError(
                    "interactive.action.sections",
                    "must have 1 to \(WhatsAppLimits.listSections) sections (has \(sections.count))")
            }
            let rowCount = sections.reduce(0) { $0 + $1.rows.count }
            guard rowCount <= WhatsAppLimits.listRows else {
                throw FieldError(
                    "interactive.action.sections",
                    "must have at most \(WhatsAppLimits.listRows) rows across all sections (has \(rowCount))")
            }
            var ids = Set<String>()
            for (sectionIndex, section) in sections.enumerated() {
                let field = "interactive.action.sections[\(sectionIndex)]"
                try Check.optionalLength(section.title, field: field + ".title", max: WhatsAppLimits.sectionTitle)
                guard !section.rows.isEmpty else {
                    throw FieldError(field + ".rows", "must not be empty")
                }
                for (rowIndex, row) in section.rows.enumerated() {
                    let rowField = field + ".rows[\(rowIndex)]"
                    try Check.length(row.id, field: rowField + ".id", max: WhatsAppLimits.rowID)
                    try Check.length(row.title, field: rowField + ".title", max: WhatsAppLimits.rowTitle)
                    try Check.optionalLength(
                        row.description, field: rowField + ".description", max: WhatsAppLimits.rowDescription)
                    guard ids.insert(row.id).inserted else {
                        throw FieldError(rowField + ".id", "must be unique in the list")
                    }
                }
            }
        }
    }
}

extension OutboundMessage.InteractiveHeader {
    func validate(field: String) throws(FieldError) {
        switch self {
        case .text(let text): try Check.length(text, field: field + ".text", max: WhatsAppLimits.headerText)
        case .image(let source): try source.validate(field: field + ".image")
        case .video(let source): try source.validate(field: field + ".video")
        case .document(let source, _): try source.validate(field: field + ".document")
        }
    }
}
