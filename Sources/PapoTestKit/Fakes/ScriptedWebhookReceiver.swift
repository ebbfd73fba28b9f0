public import Foundation
import Hummingbird
import PapoCore
import Synchronization

/// A webhook receiver on loopback that answers each POST with the next status of a script
/// (then `200` once the script is used up) and records every request: the other end of Papo's
/// outgoing tenant webhooks, for retry, give-up and 410 tests.
public final class ScriptedWebhookReceiver: Sendable {
    private struct State {
        var script: [Int]
        var received: [RecordedHTTPRequest] = []
        var answered: [Int] = []
    }

    private let state: Mutex<State>
    private let server = LoopbackServer(name: "scripted-webhook-receiver")

    /// A stopped receiver that will answer `script` in order, then `200`.
    public init(answers script: [Int] = []) {
        state = Mutex(State(script: script))
    }

    /// Starts listening and returns the URL to post to (`http://127.0.0.1:<port>/hooks`).
    public func start() async throws -> URL {
        let router = Router()
        router.post("**") { request, _ -> Response in
            let body = (try? await FakeProviderResponse.body(of: request)) ?? Data()
            let status = self.state.withLock { state -> Int in
                let status = state.script.isEmpty ? 200 : state.script.removeFirst()
                state.received.append(RecordedHTTPRequest(request: request, body: body))
                state.answered.append(status)
                return status
            }
            return FakeProviderResponse.json(.object(["ok": .bool(status < 300)]), status: status)
        }
        return try await server.start(router: router).appendingPathComponent("hooks")
    }

    /// Replaces what the next requests are answered.
    public func answer(_ script: [Int]) {
        state.withLock { $0.script = script }
    }

    /// Stops listening.
    public func stop() async {
        await server.stop()
    }

    /// Every request received so far, oldest first.
    public var requests: [RecordedHTTPRequest] { state.withLock { $0.received } }

    /// The status answered to each request, in the same order.
    public var answered: [Int] { state.withLock { $0.answered } }
}
