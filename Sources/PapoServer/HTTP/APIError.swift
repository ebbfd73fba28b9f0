import Foundation
public import HTTPTypes
public import Hummingbird
import Logging
public import PapoCore

/// An error a client can act on: an HTTP status, a stable machine-readable code and a message
/// that says what is wrong. Rendered as `{"error": {"code", "message", "fields"?}}`.
public struct APIError: Error, Sendable, HTTPResponseError {
    public var status: HTTPResponse.Status
    public var code: String
    public var message: String
    public var fields: [FieldError]
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, code: String, message: String, fields: [FieldError] = [],
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields
        self.headers = headers
    }

    public static func validation(_ error: ValidationError) -> APIError {
        APIError(.unprocessableContent, code: "validation_failed", message: error.summary, fields: error.fields)
    }

    public static func notFound(_ message: String) -> APIError {
        APIError(.notFound, code: "not_found", message: message)
    }

    public static func badRequest(_ message: String, code: String = "bad_request") -> APIError {
        APIError(.badRequest, code: code, message: message)
    }

    struct Envelope: Encodable {
        struct Body: Encodable {
            var code: String
            var message: String
            var fields: [FieldError]?
            var requestID: String?

            enum CodingKeys: String, CodingKey {
                case code, message, fields
                case requestID = "request_id"
            }
        }
        var error: Body
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        let requestID = context.logger[metadataKey: "request_id"].map { "\($0)" }
        let envelope = Envelope(
            error: .init(code: code, message: message, fields: fields.isEmpty ? nil : fields, requestID: requestID))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let data = try encoder.encode(envelope)
        var headers = headers
        headers[.contentType] = "application/json; charset=utf-8"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}

extension HTTPField.Name {
    /// `X-Request-Id`: echoed on every response and logged with every line of a request.
    public static let requestID = HTTPField.Name("X-Request-Id")!
    /// `X-Client-Id`: the tenant a request acts for.
    public static let clientID = HTTPField.Name("X-Client-Id")!
}
