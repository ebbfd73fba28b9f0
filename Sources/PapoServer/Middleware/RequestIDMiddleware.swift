import Foundation
public import Hummingbird
import Logging

/// Gives every request an id: the client's `X-Request-Id` when it is sane, else a new one. The
/// id is on every response (errors included) and in the metadata of every log line.
public struct RequestIDMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        let id = request.headers[.requestID].flatMap(Self.acceptable) ?? UUID().uuidString.lowercased()
        context.requestID = id
        context.logger[metadataKey: "request_id"] = .string(id)
        var response = try await next(request, context)
        response.headers[.requestID] = id
        return response
    }

    /// Client ids are echoed into logs and headers, so only short plain tokens are kept.
    static func acceptable(_ value: String) -> String? {
        guard (1...64).contains(value.count),
            value.unicodeScalars.allSatisfy({
                $0.isASCII
                    && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0))
            })
        else { return nil }
        return value
    }
}
