import Foundation
import Hummingbird
import NIOCore
import PapoCore

/// JSON answers for the fakes.
enum FakeProviderResponse {
    static func json(_ value: JSONValue, status: Int = 200, headers: [String: String] = [:]) -> Response {
        let data = Data(value.jsonText.utf8)
        var fields = HTTPFields()
        fields[.contentType] = "application/json"
        for (name, value) in headers {
            if let fieldName = HTTPFields.Element.Name(name) { fields[fieldName] = value }
        }
        return Response(status: .init(code: status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    /// Reads the whole request body (fakes get small bodies; 32 MB caps a runaway client).
    static func body(of request: Request) async throws -> Data {
        let buffer = try await request.body.collect(upTo: 32 * 1024 * 1024)
        return Data(buffer.readableBytesView)
    }

    /// A JSON object from pairs, leaving out `nil` values.
    static func object(_ pairs: KeyValuePairs<String, JSONValue?>) -> JSONValue {
        var object: [String: JSONValue] = [:]
        for (key, value) in pairs {
            if let value { object[key] = value }
        }
        return .object(object)
    }
}
