public import Foundation
public import Logging
public import PapoCore
public import PapoHTTP

/// WhatsApp Web (Baileys) through an Evolution API v2 gateway (baileys-gateway.md).
///
/// Every call carries the `apikey` header. Instance lifecycle — create with a webhook,
/// connect by QR or pairing code, state, logout, delete — is in
/// `BaileysGatewayProvider+Instance.swift`. Gateway errors are classified by HTTP status
/// (429 and 5xx retryable); transport failures are retryable.
///
/// Not carried: templates (Cloud API only), buttons and lists (the gateway accepts them but
/// WhatsApp Web does not deliver them), contact cards, media by upload id, media upload,
/// read receipts and typing indicators (use the send `delay` instead).
public struct BaileysGatewayProvider: WhatsAppProvider {
    /// Where the gateway is and which instance this provider drives.
    public let configuration: EvolutionConfiguration
    /// Milliseconds of "typing…" the gateway shows before each text send; 0 for none.
    public var typingDelay: Int
    let transport: ProviderTransport

    /// Creates a provider; share one `HTTPClient` across providers.
    public init(
        configuration: EvolutionConfiguration, client: HTTPClient, typingDelay: Int = 0,
        logger: Logger = Logger(label: "papo.providers.baileys")
    ) {
        self.configuration = configuration
        self.typingDelay = typingDelay
        transport = ProviderTransport(client: client, provider: .baileys, logger: logger)
    }

    public var kind: ProviderKind { .baileys }

    public var capabilities: ProviderCapabilities { [.reactions, .qrLogin] }

    public func send(_ message: OutboundMessage, to recipient: PhoneNumber) async throws -> String {
        do {
            try message.validate()
        } catch {
            throw ProviderError.invalidMessage(error, provider: .baileys)
        }
        let (route, body) = try EvolutionMessageBody.send(message, to: recipient, typingDelay: typingDelay)
        let answer = try await call(.post, path: ["message", route], body: body)
        guard let id = answer["key"]?.text("id") else {
            throw ProviderError.unexpectedResponse(
                "gateway accepted the message but returned no message key", provider: .baileys)
        }
        transport.logger.debug("baileys message accepted", metadata: ["route": "\(route)"])
        return id
    }

    public func markAsRead(_ messageID: String, from customer: PhoneNumber) async throws {
        throw ProviderError.unsupported("marking messages read", provider: .baileys)
    }

    public func sendTypingIndicator(to customer: PhoneNumber, replyingTo messageID: String) async throws {
        throw ProviderError.unsupported("a separate typing indicator", provider: .baileys)
    }

    public func uploadMedia(_ data: Data, mimeType: String, filename: String) async throws -> String {
        throw ProviderError.unsupported("media upload", provider: .baileys)
    }

    // MARK: - Plumbing

    /// Calls `<base>/<path…>/<instance>` (instance-scoped routes end with the instance name)
    /// and returns the JSON answer; non-2xx answers throw the classified gateway error.
    func call(
        _ method: HTTPClientRequest.Method, path: [String], instanceScoped: Bool = true, query: String = "",
        body: JSONValue? = nil
    ) async throws -> JSONValue {
        var url = path.reduce(configuration.baseURL) { ProviderTransport.url($0, $1) }
        if instanceScoped { url = ProviderTransport.url(url, configuration.instanceName) }
        url += query
        let headers: HTTPClientHeaders = ["apikey": configuration.apiKey]
        let request =
            if let body {
                ProviderTransport.jsonRequest(method: method, url: url, headers: headers, body: body)
            } else {
                HTTPClientRequest(method: method, url: url, headers: headers)
            }
        let response = try await transport.execute(request)
        guard response.isSuccess else {
            let error = EvolutionGatewayError.from(response)
            transport.logger.debug(
                "baileys gateway request failed",
                metadata: ["route": "\(path.joined(separator: "/"))", "status": "\(response.status)"])
            throw error
        }
        return ProviderTransport.json(response) ?? .null
    }
}
