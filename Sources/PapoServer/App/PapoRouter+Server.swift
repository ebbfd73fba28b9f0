public import Hummingbird
public import HummingbirdCore
import HummingbirdWebSocket

extension PapoRouter {
    /// HTTP/1.1 with WebSocket upgrades decided by `router`, so `/api/v1/ws` passes through the
    /// same middleware (request id, tenant auth) as every other route.
    public static func server(for router: Router<AppRequestContext>) -> HTTPServerBuilder {
        .http1WebSocketUpgrade(webSocketRouter: router)
    }
}
