/// One problem with one input field, named the way the client sent it.
public struct FieldError: Sendable, Hashable, Codable, Error {
    public var field: String
    public var message: String

    public init(_ field: String, _ message: String) {
        self.field = field
        self.message = message
    }
}

/// Every problem found in one request body: validation reports all fields at once so a client
/// can fix them in one round trip.
public struct ValidationError: Error, Sendable, Hashable {
    public var fields: [FieldError]

    public init(_ fields: [FieldError]) {
        self.fields = fields
    }

    /// A one-line summary: `timezone: unknown time zone 'Mars/Base'; name: must not be empty`.
    public var summary: String {
        fields.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
    }
}
