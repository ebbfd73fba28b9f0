import Foundation
public import Hummingbird
import NIOCore
public import PapoCore

extension Request {
    /// Reads the body as a JSON object, with errors a client can act on: 413 past the size
    /// limit, 415 for another content type, 400 for malformed JSON or a non-object.
    public mutating func jsonObject(context: some RequestContext) async throws -> [String: JSONValue] {
        if let type = headers[.contentType], !type.lowercased().hasPrefix("application/json") {
            throw APIError(
                .unsupportedMediaType, code: "unsupported_media_type",
                message: "send the body as application/json (got \(type))")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await collectBody(upTo: context.maxUploadSize)
        } catch is NIOTooManyBytesError {
            throw APIError(
                .contentTooLarge, code: "payload_too_large",
                message: "the request body is larger than \(context.maxUploadSize / 1024) KiB")
        }
        guard buffer.readableBytes > 0 else {
            throw APIError.badRequest("the request body is empty; send a JSON object", code: "invalid_json")
        }
        let value: JSONValue
        do {
            value = try JSONDecoder().decode(JSONValue.self, from: Data(buffer.readableBytesView))
        } catch {
            throw APIError.badRequest("the body is not valid JSON: \(Self.describe(error))", code: "invalid_json")
        }
        guard case .object(let object) = value else {
            throw APIError.badRequest("the body must be a JSON object, got \(value.typeName)", code: "invalid_json")
        }
        return object
    }

    private static func describe(_ error: any Error) -> String {
        if case DecodingError.dataCorrupted(let context) = error {
            let underlying = (context.underlyingError as? NSError)?.userInfo[NSDebugDescriptionErrorKey] as? String
            return underlying ?? context.debugDescription
        }
        return "\(error)"
    }
}
