import Foundation
import HTTPTypes
public import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import PapoCore
import PapoStore
import ServiceLifecycle

/// `GET /api/v1/events` (server-sent events) and `GET /api/v1/ws` (WebSocket): the tenant's
/// realtime events, filtered by `types`, resuming after `Last-Event-ID` (or `last_event_id`).
///
/// Each event is one JSON object `{"id", "event_id", "type", "created_at", "payload"}`; over SSE
/// it is the `data:` line, with `id:` (the resume position) and `event:` (the type) beside it.
public struct EventStreamController: Sendable {
    let hub: EventHub?

    public init(hub: EventHub?) {
        self.hub = hub
    }

    public func register(on group: RouterGroup<AppRequestContext>) {
        group.get("/events") { request, context -> Response in
            let tenant = try context.requireTenant()
            let subscription = try subscribe(request, tenantID: tenant.id)
            let logger = context.logger
            let channel = context.channel
            // A write to a client that stopped reading waits for it; closing the socket ends it.
            subscription.onSlowConsumer { channel.close(promise: nil) }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "text/event-stream; charset=utf-8", .cacheControl: "no-cache",
                    .accelBuffering: "no",
                ],
                body: ResponseBody { writer in
                    try await writer.write(ByteBuffer(string: "retry: 2000\n: connected\n\n"))
                    do {
                        // A client that hangs up is noticed at once, not at the next write.
                        try await request.body.consumeWithInboundCloseHandler { _ in
                            try await withGracefulShutdownHandler {
                                for try await message in subscription {
                                    try await writer.write(ByteBuffer(string: Self.serverSentEvent(message)))
                                }
                            } onGracefulShutdown: {
                                subscription.stop()
                            }
                        } onInboundClosed: {
                            subscription.stop()
                        }
                    } catch {
                        guard subscription.wasCutForSlowness else { throw error }
                        logger.notice("event stream closed: the client was too slow")
                        try? await writer.finish(nil)
                        return
                    }
                    try await writer.finish(nil)
                })
        }
        group.ws(
            "/ws",
            shouldUpgrade: { request, context in
                let tenant = try context.requireTenant()
                // Validates the query before upgrading, so bad input is a 4xx, not a closed socket.
                _ = try subscribe(request, tenantID: tenant.id)
                return .upgrade([:])
            },
            onUpgrade: { inbound, outbound, context in
                guard let tenant = context.requestContext.tenant else { return }
                let subscription = try subscribe(context.request, tenantID: tenant.id)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    // The client's frames are not commands; reading them notices its close.
                    group.addTask {
                        for try await _ in inbound {}
                    }
                    group.addTask {
                        do {
                            for try await message in subscription {
                                switch message {
                                case .event(let event):
                                    try await outbound.write(.text(Self.json(event)))
                                case .gap(let after, let purgedThrough):
                                    try await outbound.write(
                                        .text(Self.gapJSON(after: after, purgedThrough: purgedThrough)))
                                case .heartbeat:
                                    continue
                                }
                            }
                        } catch EventStreamError.slowConsumer {
                            // Closing the socket tells the client to reconnect with its last id.
                            context.logger.notice("event socket closed: the client was too slow")
                        }
                    }
                    try await group.next()
                    group.cancelAll()
                }
            })
    }

    private func subscribe(_ request: Request, tenantID: UUID) throws -> EventSubscription {
        guard let hub else {
            throw APIError(
                .serviceUnavailable, code: "realtime_unavailable", message: "realtime events are not running here")
        }
        return hub.subscribe(
            tenantID: tenantID, types: try Self.types(request), after: try Self.lastEventID(request))
    }

    /// `?types=a,b`: known event types only.
    static func types(_ request: Request) throws -> Set<String> {
        guard let text = request.uri.queryParameters.get("types"), !text.isEmpty else { return [] }
        let names = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let known = Set(EventType.allCases.map(\.rawValue))
        if let unknown = names.first(where: { !known.contains($0) }) {
            throw APIError.validation(
                ValidationError([
                    FieldError(
                        "types",
                        "unknown event type '\(unknown)'; known: \(EventType.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                ]))
        }
        return Set(names)
    }

    /// `Last-Event-ID` header, else `?last_event_id=`; a non-negative integer.
    static func lastEventID(_ request: Request) throws -> Int64? {
        guard
            let text = request.headers[.lastEventID] ?? request.uri.queryParameters.get("last_event_id"),
            !text.isEmpty
        else { return nil }
        guard let id = Int64(text.trimmingCharacters(in: .whitespaces)), id >= 0 else {
            throw APIError.badRequest(
                "Last-Event-ID must be the id of an event received before (a non-negative integer)",
                code: "invalid_last_event_id")
        }
        return id
    }

    /// One message in the SSE wire format.
    static func serverSentEvent(_ message: RealtimeMessage) -> String {
        switch message {
        case .heartbeat:
            return ": heartbeat\n\n"
        case .event(let event):
            return "id: \(event.id)\nevent: \(event.type)\ndata: \(json(event))\n\n"
        case .gap(let after, let purgedThrough):
            // No `id:` line: the client's last id stays where it was.
            return "event: \(gapType)\ndata: \(gapJSON(after: after, purgedThrough: purgedThrough))\n\n"
        }
    }

    /// The type of the notice that events a resuming client missed were purged.
    static let gapType = "stream.gap"

    static func gapJSON(after: Int64, purgedThrough: Int64) -> String {
        JSONValue.object([
            "type": .string(gapType), "last_event_id": .integer(Int(after)),
            "purged_through": .integer(Int(purgedThrough)),
            "message":
                "events after your last id were purged past the retention window; re-read the state you show from the API",
        ]).jsonText
    }

    /// The event as one line of JSON (`JSONEncoder` never emits a newline without pretty printing).
    static func json(_ event: StoredEvent) -> String {
        var object: [String: JSONValue] = [
            "id": .integer(Int(event.id)), "type": .string(event.type),
            "created_at": .string(createdAtFormat.format(event.createdAt)), "payload": event.payload,
        ]
        if let uid = event.uid { object["event_id"] = .string(uid.uuidString.lowercased()) }
        return JSONValue.object(object).jsonText
    }

    static let createdAtFormat = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
}

extension HTTPField.Name {
    /// `Last-Event-ID`: where a reconnecting SSE client left off.
    static let lastEventID = HTTPField.Name("Last-Event-ID")!
    /// Tells nginx-style proxies not to buffer the stream.
    static let accelBuffering = HTTPField.Name("X-Accel-Buffering")!
}
