import PapoHTTP

extension LLMEndpoint {
    /// What a tenant (or an agent template) changes about the default endpoint. Every field is
    /// optional; absent fields keep the default's value, with the credential rule of
    /// ``LLMEndpoint/applying(_:)``.
    public struct Overrides: Sendable, Hashable, Codable {
        /// Another server.
        public var baseURL: String?
        /// Another key; needed whenever ``baseURL`` points elsewhere.
        public var apiKey: String?
        /// Another model.
        public var model: String?
        /// Another dialect.
        public var kind: Kind?
        /// Another Azure deployment.
        public var azureDeployment: String?
        /// Another Azure `api-version`.
        public var azureAPIVersion: String?
        /// Another max-tokens field name.
        public var maxTokensField: MaxTokensField?
        /// Headers added to (or replacing) the default's.
        public var extraHeaders: [String: String]

        /// Creates overrides; the empty value changes nothing.
        public init(
            baseURL: String? = nil, apiKey: String? = nil, model: String? = nil, kind: Kind? = nil,
            azureDeployment: String? = nil, azureAPIVersion: String? = nil,
            maxTokensField: MaxTokensField? = nil, extraHeaders: [String: String] = [:]
        ) {
            self.baseURL = baseURL
            self.apiKey = apiKey
            self.model = model
            self.kind = kind
            self.azureDeployment = azureDeployment
            self.azureAPIVersion = azureAPIVersion
            self.maxTokensField = maxTokensField
            self.extraHeaders = extraHeaders
        }

        private enum CodingKeys: String, CodingKey {
            case baseURL = "base_url"
            case apiKey = "api_key"
            case model, kind
            case azureDeployment = "azure_deployment"
            case azureAPIVersion = "azure_api_version"
            case maxTokensField = "max_tokens_field"
            case extraHeaders = "extra_headers"
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            baseURL = try container.decodeIfPresent(String.self, forKey: .baseURL)
            apiKey = try container.decodeIfPresent(String.self, forKey: .apiKey)
            model = try container.decodeIfPresent(String.self, forKey: .model)
            kind = try container.decodeIfPresent(Kind.self, forKey: .kind)
            azureDeployment = try container.decodeIfPresent(String.self, forKey: .azureDeployment)
            azureAPIVersion = try container.decodeIfPresent(String.self, forKey: .azureAPIVersion)
            maxTokensField = try container.decodeIfPresent(MaxTokensField.self, forKey: .maxTokensField)
            extraHeaders = try container.decodeIfPresent([String: String].self, forKey: .extraHeaders) ?? [:]
        }
    }

    /// This endpoint with `overrides` applied.
    ///
    /// When the overrides move the endpoint to another server (a different ``baseURL``) without
    /// a key of their own, the default key and default extra headers are dropped rather than
    /// carried over: a tenant-supplied URL must never receive the platform's credentials.
    /// A new ``kind`` without an explicit field name also resets ``maxTokensField``.
    public func applying(_ overrides: Overrides) -> LLMEndpoint {
        var endpoint = self
        if let baseURL = overrides.baseURL, Self.normalised(baseURL) != Self.normalised(self.baseURL) {
            endpoint.baseURL = baseURL
            endpoint.apiKey = nil
            endpoint.extraHeaders = [:]
        }
        if let apiKey = overrides.apiKey { endpoint.apiKey = apiKey }
        if let model = overrides.model {
            endpoint.model = model
            // A deployment named after the old model would silently keep serving it.
            if overrides.azureDeployment == nil, azureDeployment == self.model { endpoint.azureDeployment = nil }
        }
        if let kind = overrides.kind {
            endpoint.kind = kind
            endpoint.maxTokensField = kind.defaultMaxTokensField
        }
        if let deployment = overrides.azureDeployment { endpoint.azureDeployment = deployment }
        if let version = overrides.azureAPIVersion { endpoint.azureAPIVersion = version }
        if let field = overrides.maxTokensField { endpoint.maxTokensField = field }
        for (name, value) in overrides.extraHeaders.sorted(by: { $0.key < $1.key }) {
            endpoint.extraHeaders.replaceOrAdd(name: name, value: value)
        }
        return endpoint
    }

    private static func normalised(_ url: String) -> String {
        var url = url.lowercased()
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }
}
