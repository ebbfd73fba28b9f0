public import Foundation
public import Logging
public import PapoCore
public import PapoHTTP

/// The official WhatsApp Business Cloud API, over the Graph API (meta-cloud-api.md).
///
/// Errors come back classified by Meta's error code (§2.3): throughput and server errors are
/// retryable, 131047 needs a template, the rest are permanent; HTTP 429 and 5xx without a
/// listed code are retryable. The access token is sent only in the `Authorization` header
/// and never logged.
public struct MetaCloudProvider: WhatsAppProvider {
    /// Where and as whom to call the Graph API.
    public let configuration: MetaCloudConfiguration
    let transport: ProviderTransport

    /// Creates a provider; share one `HTTPClient` across providers.
    public init(
        configuration: MetaCloudConfiguration, client: HTTPClient,
        logger: Logger = Logger(label: "papo.providers.meta")
    ) {
        self.configuration = configuration
        transport = ProviderTransport(client: client, provider: .meta, logger: logger)
    }

    public var kind: ProviderKind { .meta }

    public var capabilities: ProviderCapabilities {
        [.markAsRead, .typingIndicator, .mediaUpload, .interactive, .templates, .contacts, .reactions]
    }

    /// Checks the credentials by reading the phone number's details; a bad token fails with
    /// Meta's code 190 (permanent).
    public func connect() async throws -> SessionConnection {
        try await connectionStatus()
    }

    /// Reads the phone number node: `verified_name`, `display_phone_number`,
    /// `quality_rating`.
    public func connectionStatus() async throws -> SessionConnection {
        let url = endpoint() + "?fields=verified_name,display_phone_number,quality_rating"
        let node = try await call(HTTPClientRequest(method: .get, url: url, headers: authorization))
        return SessionConnection(
            state: .connected,
            phoneNumber: node.text("display_phone_number").flatMap { try? PhoneNumber($0) },
            displayName: node.text("verified_name"),
            detail: node.text("quality_rating").map { "quality rating \($0)" })
    }

    /// The Cloud API has no session to end; the token stays valid until the tenant revokes
    /// it, so this does nothing.
    public func disconnect() async throws {}

    public func send(_ message: OutboundMessage, to recipient: PhoneNumber) async throws -> String {
        do {
            try message.validate()
        } catch {
            throw ProviderError.invalidMessage(error, provider: .meta)
        }
        let response = try await post(MetaMessageBody.send(message, to: recipient), to: endpoint("messages"))
        guard let id = response["messages"]?.arrayValue?.first?.text("id") else {
            throw ProviderError.unexpectedResponse(
                "Graph API accepted the message but returned no message id", provider: .meta)
        }
        transport.logger.debug("meta message accepted", metadata: ["type": "\(message.kind.rawValue)"])
        return id
    }

    public func markAsRead(_ messageID: String, from customer: PhoneNumber) async throws {
        try await expectSuccess(post(MetaMessageBody.read(messageID, typing: false), to: endpoint("messages")))
    }

    public func sendTypingIndicator(to customer: PhoneNumber, replyingTo messageID: String) async throws {
        try await expectSuccess(post(MetaMessageBody.read(messageID, typing: true), to: endpoint("messages")))
    }

    /// Uploads with the three form fields pywa and Meta's table use (§3.1): `file` (with name
    /// and type), `type` and `messaging_product`.
    public func uploadMedia(_ data: Data, mimeType: String, filename: String) async throws -> String {
        var form = MultipartForm()
        form.addField(name: "messaging_product", value: "whatsapp")
        form.addField(name: "type", value: mimeType)
        form.addFile(name: "file", filename: filename, contentType: mimeType, data: data)
        let request = HTTPClientRequest(method: .post, url: endpoint("media"), headers: authorization, multipart: form)
        let body = try await call(request)
        guard let id = body.text("id") else {
            throw ProviderError.unexpectedResponse("Graph API returned no media id", provider: .meta)
        }
        return id
    }

    // MARK: - Plumbing

    private var authorization: HTTPClientHeaders {
        ["Authorization": "Bearer \(configuration.accessToken)"]
    }

    /// `<base>/<version>/<phone-number-id>[/<edge>]`.
    func endpoint(_ edge: String = "") -> String {
        ProviderTransport.url(configuration.baseURL, configuration.apiVersion, configuration.phoneNumberID, edge)
    }

    private func post(_ body: JSONValue, to url: String) async throws -> JSONValue {
        try await call(ProviderTransport.jsonRequest(method: .post, url: url, headers: authorization, body: body))
    }

    /// Runs a request; a non-2xx answer throws the classified Graph error.
    private func call(_ request: HTTPClientRequest) async throws -> JSONValue {
        let response = try await transport.execute(request)
        guard response.isSuccess else {
            let error = MetaGraphError.from(response)
            transport.logger.debug(
                "meta request failed",
                metadata: ["code": "\(error.code)", "classification": "\(error.classification.rawValue)"])
            throw error
        }
        return ProviderTransport.json(response) ?? .null
    }

    private func expectSuccess(_ body: JSONValue) throws {
        guard body["success"]?.boolValue == true else {
            throw ProviderError.unexpectedResponse("Graph API did not confirm success", provider: .meta)
        }
    }
}
