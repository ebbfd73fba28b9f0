extension OutboundMessage {
    /// Checks every limit of meta-cloud-api.md §1.3; the error names the first bad field.
    public func validate() throws(FieldError) {
        if let replyTo {
            try Check.nonEmpty(replyTo, field: "context.message_id")
        }
        switch content {
        case .text(let body, _):
            try Check.length(body, field: "text.body", max: WhatsAppLimits.textBody)
            try Check.nonEmpty(body, field: "text.body")
        case .media(let media):
            try media.validate()
        case .location(let location):
            guard location.latitude.isFinite, (-90...90).contains(location.latitude) else {
                throw FieldError("location.latitude", "must be between -90 and 90")
            }
            guard location.longitude.isFinite, (-180...180).contains(location.longitude) else {
                throw FieldError("location.longitude", "must be between -180 and 180")
            }
        case .contacts(let contacts):
            guard (1...WhatsAppLimits.contacts).contains(contacts.count) else {
                throw FieldError(
                    "contacts", "must have 1 to \(WhatsAppLimits.contacts) contacts (has \(contacts.count))")
            }
            for (index, contact) in contacts.enumerated() {
                try contact.validate(field: "contacts[\(index)]")
            }
        case .reaction(let messageID, let emoji):
            // WhatsApp cannot quote a reaction; it already points at its message.
            if replyTo != nil {
                throw FieldError("context", "cannot be used with a reaction")
            }
            try Check.nonEmpty(messageID, field: "reaction.message_id")
            guard emoji.count <= 1 else {
                throw FieldError("reaction.emoji", "must be a single emoji or empty")
            }
        case .buttons(let buttons):
            try buttons.validate()
        case .list(let list):
            try list.validate()
        case .template(let template):
            try template.validate()
        }
    }
}
