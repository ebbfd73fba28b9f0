/// How to reach the Graph API for one business phone number.
///
/// `description` leaves the access token out, so the configuration can be logged.
public struct MetaCloudConfiguration: Sendable, CustomStringConvertible {
    /// The Graph API root, `https://graph.facebook.com` in production; a fake server in tests.
    public var baseURL: String
    /// The API version path segment such as `v25.0`; empty to call unversioned paths.
    public var apiVersion: String
    /// The business phone number's id (not the number itself).
    public var phoneNumberID: String
    /// A system-user or business access token, sent as `Authorization: Bearer`.
    public var accessToken: String

    /// Creates a configuration.
    public init(
        phoneNumberID: String, accessToken: String, baseURL: String = "https://graph.facebook.com",
        apiVersion: String = "v25.0"
    ) {
        self.baseURL = baseURL
        self.apiVersion = apiVersion
        self.phoneNumberID = phoneNumberID
        self.accessToken = accessToken
    }

    public var description: String {
        "MetaCloudConfiguration(baseURL: \(baseURL), apiVersion: \(apiVersion), phoneNumberID: \(phoneNumberID), "
            + "accessToken: <redacted>)"
    }
}
