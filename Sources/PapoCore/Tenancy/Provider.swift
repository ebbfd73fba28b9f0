/// The WhatsApp providers a session can use.
public enum ProviderKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// The official Meta WhatsApp Cloud API.
    case meta
    /// WhatsApp Web (Baileys) through an Evolution API v2 gateway.
    case baileys
    /// The built-in simulated WhatsApp; needs no credentials.
    case sandbox
}

/// Whether a tenant may use the API.
public enum TenantStatus: String, Sendable, Codable, Hashable {
    case active
    case suspended
}
