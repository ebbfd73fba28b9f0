public import Foundation
public import PapoHTTP

/// Talks to a running Papo server's sandbox chat API as one customer: what `papo chat` uses.
public struct SandboxChatClient: Sendable {
    /// Where the server is and who is talking.
    public struct Configuration: Sendable {
        /// The server's root, e.g. `http://127.0.0.1:8080`.
        public var baseURL: String
        public var clientID: String
        public var apiKey: String
        /// The simulated customer's phone number.
        public var customer: String
        public var name: String?
        /// A sandbox session name; `nil` uses the tenant's default session.
        public var session: String?

        public init(
            baseURL: String, clientID: String, apiKey: String, customer: String, name: String? = nil,
            session: String? = nil
        ) {
            self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
            self.clientID = clientID
            self.apiKey = apiKey
            self.customer = customer
            self.name = name
            self.session = session
        }
    }

    /// A message of the chat, either direction.
    public struct Line: Sendable, Equatable, Decodable {
        public var seq: Int64
        public var direction: String
        /// `customer`, `bot`, `operator` or `api`.
        public var author: String
        public var text: String
        public var status: String
        public var error: Failure?

        public struct Failure: Sendable, Equatable, Decodable {
            public var code: String
            public var message: String
        }

        public var isFromCustomer: Bool { direction == "inbound" }
    }

    public let configuration: Configuration
    let http: HTTPClient

    public init(configuration: Configuration, http: HTTPClient) {
        self.configuration = configuration
        self.http = http
    }

    /// The customer writes `text`.
    public func send(_ text: String) async throws(SandboxChatError) {
        struct Body: Encodable {
            var from: String
            var text: String
            var name: String?
            var session: String?
        }
        let body = Body(
            from: configuration.customer, text: text, name: configuration.name, session: configuration.session)
        let request: HTTPClientRequest
        do {
            request = try HTTPClientRequest(
                method: .post, url: configuration.baseURL + "/api/v1/sandbox/messages", headers: headers, json: body)
        } catch {
            throw SandboxChatError("cannot encode the message: \(error)")
        }
        _ = try await execute(request)
    }

    /// The chat's messages after `seq`, oldest first, and the newest seq the server knows of.
    public func messages(after seq: Int64) async throws(SandboxChatError) -> (lines: [Line], lastSeq: Int64) {
        struct Page: Decodable {
            var messages: [Line]
            var lastSeq: Int64

            enum CodingKeys: String, CodingKey {
                case messages
                case lastSeq = "last_seq"
            }
        }
        var components = URLComponents()
        components.queryItems = [
            URLQueryItem(name: "customer", value: configuration.customer),
            URLQueryItem(name: "after_seq", value: String(seq)),
        ]
        if let session = configuration.session {
            components.queryItems?.append(URLQueryItem(name: "session", value: session))
        }
        let url = configuration.baseURL + "/api/v1/sandbox/messages?" + (components.percentEncodedQuery ?? "")
        let response = try await execute(HTTPClientRequest(method: .get, url: url, headers: headers))
        do {
            let page = try JSONDecoder().decode(Page.self, from: response.body)
            return (page.messages, page.lastSeq)
        } catch {
            throw SandboxChatError("the server's answer is not a sandbox chat page: \(error)")
        }
    }

    private var headers: HTTPClientHeaders {
        ["X-Client-Id": configuration.clientID, "Authorization": "Bearer \(configuration.apiKey)"]
    }

    private func execute(_ request: HTTPClientRequest) async throws(SandboxChatError) -> HTTPClientResponse {
        let response: HTTPClientResponse
        do {
            response = try await http.execute(request)
        } catch let error as HTTPClientError {
            switch error.code {
            case .couldNotConnect, .couldNotResolveHost:
                throw SandboxChatError(
                    "cannot reach the Papo server at \(configuration.baseURL) (\(error.message)); is `papo serve` running?"
                )
            case .timeout:
                throw SandboxChatError("the Papo server at \(configuration.baseURL) did not answer in time")
            default:
                throw SandboxChatError("request to \(configuration.baseURL) failed: \(error.message)")
            }
        } catch {
            throw SandboxChatError("request to \(configuration.baseURL) failed: \(error)")
        }
        guard response.isSuccess else { throw SandboxChatError(response: response) }
        return response
    }
}

/// Why the chat stopped, in one line a person can act on.
public struct SandboxChatError: Error, Sendable, CustomStringConvertible {
    public var message: String
    /// The HTTP status, when the server answered.
    public var status: Int?

    public init(_ message: String, status: Int? = nil) {
        self.message = message
        self.status = status
    }

    init(response: HTTPClientResponse) {
        struct Envelope: Decodable {
            struct Body: Decodable {
                var code: String
                var message: String
            }
            var error: Body
        }
        let detail = (try? JSONDecoder().decode(Envelope.self, from: response.body)).map {
            "\($0.error.code): \($0.error.message)"
        }
        switch response.status {
        case 401, 403:
            self.init(
                "the server refused the credentials (\(response.status)\(detail.map { " \($0)" } ?? "")); check --client-id and --api-key",
                status: response.status)
        default:
            self.init(
                "the server answered \(response.status)\(detail.map { " \($0)" } ?? "")", status: response.status)
        }
    }

    public var description: String { message }
}
