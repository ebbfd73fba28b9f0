extension HTTPClient {
    /// Client-wide defaults and transport settings. Timeouts, size cap and redirects can be
    /// overridden per request on ``HTTPClientRequest``.
    public struct Configuration: Sendable {
        /// Time allowed to establish a connection, TLS included.
        public var connectTimeout: Duration
        /// Time allowed for a whole transfer; `.zero` means no limit (long streams).
        public var timeout: Duration
        /// Largest accepted response body in bytes; larger responses fail with
        /// ``HTTPClientError/Code/responseTooLarge``.
        public var maxResponseSize: Int
        /// Whether 3xx responses are followed. Off by default so a redirect never silently
        /// carries credentials to another host.
        public var followRedirects: Bool
        /// The most redirects followed when ``followRedirects`` is on.
        public var maxRedirects: Int
        /// Whether TLS peer and host name verification are on. Leave on outside tests.
        public var verifyTLS: Bool
        /// A PEM file of trusted CA certificates (`CURLOPT_CAINFO`); `nil` uses the system store.
        public var caBundlePath: String?
        /// A proxy URL such as `http://proxy:3128`. `nil` means no proxy, and also stops libcurl
        /// from reading `http_proxy` and friends from the environment.
        public var proxy: String?
        /// The `User-Agent` sent when a request has none; `nil` sends none.
        public var userAgent: String?
        /// Caps open connections per host (`CURLMOPT_MAX_HOST_CONNECTIONS`); 0 is unlimited.
        /// Requests over the cap wait inside libcurl rather than failing.
        public var maxConnectionsPerHost: Int
        /// Caps open connections overall (`CURLMOPT_MAX_TOTAL_CONNECTIONS`); 0 is unlimited.
        public var maxTotalConnections: Int

        /// Creates a configuration; every parameter has a production-safe default.
        public init(
            connectTimeout: Duration = .seconds(10),
            timeout: Duration = .seconds(60),
            maxResponseSize: Int = 16 * 1024 * 1024,
            followRedirects: Bool = false,
            maxRedirects: Int = 5,
            verifyTLS: Bool = true,
            caBundlePath: String? = nil,
            proxy: String? = nil,
            userAgent: String? = "papo-http",
            maxConnectionsPerHost: Int = 0,
            maxTotalConnections: Int = 0
        ) {
            self.connectTimeout = connectTimeout
            self.timeout = timeout
            self.maxResponseSize = maxResponseSize
            self.followRedirects = followRedirects
            self.maxRedirects = maxRedirects
            self.verifyTLS = verifyTLS
            self.caBundlePath = caBundlePath
            self.proxy = proxy
            self.userAgent = userAgent
            self.maxConnectionsPerHost = maxConnectionsPerHost
            self.maxTotalConnections = maxTotalConnections
        }
    }
}

/// The options of one transfer after per-request overrides are applied to the client defaults.
struct TransferOptions: Sendable {
    var connectTimeoutMilliseconds: Int
    var timeoutMilliseconds: Int
    var maxResponseSize: Int
    var followRedirects: Bool
    var maxRedirects: Int
    var verifyTLS: Bool
    var caBundlePath: String?
    var proxy: String?
    var userAgent: String?
    var refuseInternalAddresses: Bool

    init(request: HTTPClientRequest, configuration: HTTPClient.Configuration) {
        connectTimeoutMilliseconds = Self.milliseconds(
            request.connectTimeout ?? configuration.connectTimeout)
        timeoutMilliseconds = Self.milliseconds(request.timeout ?? configuration.timeout)
        maxResponseSize = request.maxResponseSize ?? configuration.maxResponseSize
        followRedirects = request.followRedirects ?? configuration.followRedirects
        maxRedirects = configuration.maxRedirects
        verifyTLS = configuration.verifyTLS
        caBundlePath = configuration.caBundlePath
        proxy = configuration.proxy
        userAgent = configuration.userAgent
        refuseInternalAddresses = request.refuseInternalAddresses && configuration.proxy == nil
    }

    /// Rounds up so that a sub-millisecond timeout does not become 0, which curl reads as "none".
    static func milliseconds(_ duration: Duration) -> Int {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0, attoseconds >= 0, seconds < Int64(Int.max / 1000 - 1) else {
            return seconds < 0 || attoseconds < 0 ? 1 : Int.max / 1000
        }
        if seconds == 0, attoseconds == 0 { return 0 }
        let perMillisecond: Int64 = 1_000_000_000_000_000
        let fraction = (attoseconds + perMillisecond - 1) / perMillisecond
        return Int(seconds) * 1000 + Int(fraction)
    }
}
