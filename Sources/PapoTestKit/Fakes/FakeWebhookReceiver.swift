public import Foundation
import Hummingbird
import PapoCore
import Synchronization

/// A webhook endpoint on loopback that records every POST (headers and the exact body bytes)
/// and answers `200`: the other end for fakes that emit webhooks, so tests can run the real
/// verification and parsing on what went over the wire.
public final class FakeWebhookReceiver: Sendable {
    private let received = Mutex<[RecordedHTTPRequest]>([])
    private let server = LoopbackServer(name: "webhook-receiver")

    /// Creates a stopped receiver.
    public init() {}

    /// Starts listening and returns the URL to post to (`http://127.0.0.1:<port>/webhook`).
    public func start() async throws -> URL {
        let router = Router()
        router.post("**") { request, _ -> Response in
            let body = (try? await FakeProviderResponse.body(of: request)) ?? Data()
            self.received.withLock { $0.append(RecordedHTTPRequest(request: request, body: body)) }
            return FakeProviderResponse.json(.object([:]))
        }
        return try await server.start(router: router).appendingPathComponent("webhook")
    }

    /// Stops listening.
    public func stop() async {
        await server.stop()
    }

    /// Every call received so far, oldest first.
    public var requests: [RecordedHTTPRequest] {
        received.withLock { $0 }
    }
}
