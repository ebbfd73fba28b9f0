public import Hummingbird
import Logging
import PapoPostgres
import Synchronization

/// Turns every error into the JSON envelope `{"error": {"code", "message"}}`: route errors,
/// unknown routes (404), wrong methods (405 with `Allow`), oversized bodies (413) and failures
/// we did not expect (500, logged with the request id; the client gets no internals).
public struct ErrorMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let routes: RouteIndex

    public init(routes: RouteIndex) {
        self.routes = routes
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            return try apiError(for: error, request: request, context: context)
                .response(from: request, context: context)
        }
    }

    func apiError(for error: any Error, request: Request, context: Context) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as HTTPError:
            return translate(error, request: request, context: context)
        case let error as PostgresError where error.code == .poolTimeout || error.code == .connectionFailed:
            context.logger.error("database unavailable", metadata: ["error": "\(error)"])
            return APIError(
                .serviceUnavailable, code: "database_unavailable",
                message: "the database is busy or unreachable; retry shortly", headers: [.retryAfter: "2"])
        default:
            context.logger.error("unhandled error", metadata: ["error": "\(error)"])
            return APIError(
                .internalServerError, code: "internal_error",
                message: "something went wrong on our side; quote request id \(context.requestID) when reporting it")
        }
    }

    private func translate(_ error: HTTPError, request: Request, context: Context) -> APIError {
        let path = request.uri.path
        switch error.status {
        case .notFound:
            let allowed = routes.methods(for: path)
            if !allowed.isEmpty, !allowed.contains(request.method.rawValue) {
                return APIError(
                    .methodNotAllowed, code: "method_not_allowed",
                    message:
                        "\(request.method.rawValue) is not allowed on \(path); use \(allowed.joined(separator: ", "))",
                    headers: [.allow: allowed.joined(separator: ", ")])
            }
            return APIError(.notFound, code: "not_found", message: "no route for \(request.method.rawValue) \(path)")
        case .contentTooLarge:
            return APIError(
                .contentTooLarge, code: "payload_too_large",
                message: "the request body is larger than \(context.maxUploadSize / 1024) KiB")
        default:
            let code = error.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_")
            return APIError(error.status, code: code, message: error.body ?? error.status.reasonPhrase)
        }
    }
}

/// Which methods each route path answers, to tell "wrong method" (405) from "no such route".
public final class RouteIndex: Sendable {
    private let entries = Mutex<[(segments: [String], methods: Set<String>)]>([])

    public init() {}

    /// Records the router's routes once they are all added.
    public func load<Context>(from router: Router<Context>) {
        var byPath: [String: Set<String>] = [:]
        for route in router.routes { byPath[route.path.description, default: []].insert(route.method.rawValue) }
        let loaded = byPath.map { path, methods in
            (segments: path.split(separator: "/").map(String.init), methods: methods)
        }
        entries.withLock { $0 = loaded }
    }

    /// Methods registered for a concrete path (`{capture}` segments match anything).
    public func methods(for path: String) -> [String] {
        let parts = path.split(separator: "/").map(String.init)
        let matching = entries.withLock { entries in
            entries.filter { entry in
                entry.segments.count == parts.count
                    && zip(entry.segments, parts).allSatisfy { pattern, part in
                        pattern == part || (pattern.hasPrefix("{") && pattern.hasSuffix("}")) || pattern == "*"
                    }
            }
        }
        return Array(Set(matching.flatMap(\.methods))).sorted()
    }
}

extension String {
    fileprivate func replacingOccurrences(of target: String, with replacement: String) -> String {
        split(separator: Character(target), omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
