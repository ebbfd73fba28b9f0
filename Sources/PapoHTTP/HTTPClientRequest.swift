import CCurl
public import Foundation

/// One HTTP request for ``HTTPClient``.
///
/// Options left `nil` take the client's ``HTTPClient/Configuration`` value, so most requests
/// only name a method, a URL and perhaps headers and a body.
public struct HTTPClientRequest: Sendable {
    /// An HTTP method; any token is allowed, the common ones have static members.
    public struct Method: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral,
        CustomStringConvertible
    {
        public var rawValue: String

        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        public init(stringLiteral value: String) {
            self.rawValue = value
        }

        // The methods Papo's integrations use; others are written as string literals.
        public static let get: Method = "GET"
        public static let head: Method = "HEAD"
        public static let post: Method = "POST"
        public static let put: Method = "PUT"
        public static let patch: Method = "PATCH"
        public static let delete: Method = "DELETE"
        public static let options: Method = "OPTIONS"

        public var description: String { rawValue }
    }

    /// The method, `GET` by default.
    public var method: Method
    /// The absolute `http` or `https` URL.
    public var url: String
    /// Request headers; values are sent as given and never logged.
    public var headers: HTTPClientHeaders
    /// A raw body. Mutually exclusive with ``multipart``.
    public var body: Data?
    /// A `multipart/form-data` body. Mutually exclusive with ``body``.
    public var multipart: MultipartForm?
    /// Time allowed to establish the connection (including TLS); `nil` uses the client default.
    public var connectTimeout: Duration?
    /// Time allowed for the whole transfer; `nil` uses the client default, `.zero` means none.
    public var timeout: Duration?
    /// Largest accepted response body in bytes; `nil` uses the client default.
    public var maxResponseSize: Int?
    /// Whether to follow 3xx redirects; `nil` uses the client default (off).
    public var followRedirects: Bool?
    /// Refuses to talk to internal addresses (loopback, private, link-local, CGNAT, multicast,
    /// reserved; IPv4 and IPv6), checked on the address actually connected to, after DNS and
    /// on every redirect: for URLs a tenant supplied. Fails with ``HTTPClientError/Code/blockedAddress``.
    /// Not applied when the client goes through a proxy, whose own policy then governs egress.
    public var refuseInternalAddresses = false

    /// Creates a request.
    public init(
        method: Method = .get, url: String, headers: HTTPClientHeaders = [:], body: Data? = nil,
        multipart: MultipartForm? = nil
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.multipart = multipart
    }

    /// Creates a request whose body is `json` encoded, with a JSON `Content-Type`.
    public init(
        method: Method = .post, url: String, headers: HTTPClientHeaders = [:],
        json: some Encodable, encoder: JSONEncoder = JSONEncoder()
    ) throws {
        self.init(method: method, url: url, headers: headers, body: try encoder.encode(json))
        if !self.headers.contains("Content-Type") {
            self.headers.add(name: "Content-Type", value: "application/json")
        }
    }

    /// Rejects what libcurl would send wrongly or dangerously (header injection, NUL bytes).
    func validate() throws(HTTPClientError) {
        func invalid(_ message: String) -> HTTPClientError {
            HTTPClientError(code: .invalidRequest, message: message)
        }
        guard !url.isEmpty, !url.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
            throw invalid("URL is empty or contains whitespace or control characters")
        }
        guard Self.isToken(method.rawValue) else {
            throw invalid("method is not a valid HTTP token")
        }
        for field in headers {
            guard Self.isToken(field.name) else {
                throw invalid("header name '\(field.name)' is not a valid HTTP token")
            }
            // Only the name goes in the message: the value may be a credential.
            guard !field.value.utf8.contains(where: { $0 == 0x0D || $0 == 0x0A || $0 == 0 }) else {
                throw invalid("value of header '\(field.name)' contains CR, LF or NUL")
            }
        }
        if body != nil, multipart != nil {
            throw invalid("a request cannot have both a raw body and a multipart form")
        }
        if let maxResponseSize, maxResponseSize < 0 {
            throw invalid("maxResponseSize must not be negative")
        }
    }

    private static func isToken(_ text: String) -> Bool {
        // RFC 9110 tchar.
        !text.isEmpty
            && text.utf8.allSatisfy { byte in
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                    UInt8(ascii: "0")...UInt8(ascii: "9"):
                    true
                default:
                    "!#$%&'*+-.^_`|~".utf8.contains(byte)
                }
            }
    }
}

extension HTTPClientRequest {
    /// Whether `address` (IPv4 or IPv6 text) is one ``refuseInternalAddresses`` refuses; text
    /// that is not an address counts as internal.
    public static func isInternalAddress(_ address: String) -> Bool {
        papo_address_is_internal(address) != 0
    }
}
