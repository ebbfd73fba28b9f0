extension OutboundMessage {
    /// A contact card (meta-cloud-api.md §1.3 `contacts`); only the formatted name is required.
    public struct Contact: Sendable, Hashable {
        /// A phone number on the card.
        public struct Phone: Sendable, Hashable {
            public var phone: String
            /// `CELL`, `MAIN`, `IPHONE`, `HOME` or `WORK`.
            public var type: String?
            /// The WhatsApp id, which adds a "Message" button to the card.
            public var waID: String?

            public init(phone: String, type: String? = nil, waID: String? = nil) {
                self.phone = phone
                self.type = type
                self.waID = waID
            }
        }

        /// An email address; `type` is `HOME` or `WORK`.
        public struct Email: Sendable, Hashable {
            public var email: String
            public var type: String?

            public init(email: String, type: String? = nil) {
                self.email = email
                self.type = type
            }
        }

        /// A postal address; `type` is `HOME` or `WORK`.
        public struct Address: Sendable, Hashable {
            public var street: String?
            public var city: String?
            public var state: String?
            public var zip: String?
            public var country: String?
            public var countryCode: String?
            public var type: String?

            public init(
                street: String? = nil, city: String? = nil, state: String? = nil, zip: String? = nil,
                country: String? = nil, countryCode: String? = nil, type: String? = nil
            ) {
                self.street = street
                self.city = city
                self.state = state
                self.zip = zip
                self.country = country
                self.countryCode = countryCode
                self.type = type
            }
        }

        /// Where the contact works.
        public struct Organization: Sendable, Hashable {
            public var company: String?
            public var department: String?
            public var title: String?

            public init(company: String? = nil, department: String? = nil, title: String? = nil) {
                self.company = company
                self.department = department
                self.title = title
            }
        }

        /// A web address; `type` is `HOME` or `WORK`.
        public struct Link: Sendable, Hashable {
            public var url: String
            public var type: String?

            public init(url: String, type: String? = nil) {
                self.url = url
                self.type = type
            }
        }

        /// The name shown on the card (`name.formatted_name`).
        public var formattedName: String
        public var firstName: String?
        public var lastName: String?
        public var phones: [Phone]
        public var emails: [Email]
        public var addresses: [Address]
        public var organization: Organization?
        public var urls: [Link]
        /// `YYYY-MM-DD`.
        public var birthday: String?

        public init(
            formattedName: String, firstName: String? = nil, lastName: String? = nil, phones: [Phone] = [],
            emails: [Email] = [], addresses: [Address] = [], organization: Organization? = nil,
            urls: [Link] = [], birthday: String? = nil
        ) {
            self.formattedName = formattedName
            self.firstName = firstName
            self.lastName = lastName
            self.phones = phones
            self.emails = emails
            self.addresses = addresses
            self.organization = organization
            self.urls = urls
            self.birthday = birthday
        }

        func validate(field: String) throws(FieldError) {
            try Check.nonEmpty(formattedName, field: field + ".name.formatted_name")
            for (index, phone) in phones.enumerated() {
                try Check.nonEmpty(phone.phone, field: field + ".phones[\(index)].phone")
            }
            for (index, email) in emails.enumerated() {
                try Check.nonEmpty(email.email, field: field + ".emails[\(index)].email")
            }
            if let birthday, !Self.isISODate(birthday) {
                throw FieldError(field + ".birthday", "must be a date as YYYY-MM-DD")
            }
        }

        static func isISODate(_ text: String) -> Bool {
            let parts = text.split(separator: "-", omittingEmptySubsequences: false)
            guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
                parts.allSatisfy({ $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
                let month = Int(parts[1]), let day = Int(parts[2])
            else { return false }
            return (1...12).contains(month) && (1...31).contains(day)
        }
    }
}
