import Foundation
import HTTPTypes
import PapoCore
import PapoStore

/// The sessions API's failures, each a 4xx (or 502 when the provider cannot be reached) that
/// says what to change.
enum SessionAPIError {
    /// The provider refused the credentials (4xx) or could not be reached (502). The provider's
    /// own code and message are passed on; they never contain the credentials.
    static func providerRefused(_ error: ProviderError, what: String) -> APIError {
        if error.isRetryable {
            return APIError(
                .badGateway, code: "provider_unreachable",
                message: "\(what) could not be reached or failed (\(error.code)): \(error.message); try again")
        }
        return APIError(
            .unprocessableContent, code: "credentials_rejected",
            message: "\(what) refused the credentials (code \(error.code)): \(error.message)")
    }

    static func numberInUse(_ phoneNumberID: String) -> APIError {
        APIError(
            .conflict, code: "number_in_use",
            message: "phone_number_id \(phoneNumberID) is already connected by another session; disconnect it first")
    }

    static func providerMismatch(_ existing: SessionDetails) -> APIError {
        APIError(
            .conflict, code: "session_provider_mismatch",
            message:
                "session '\(existing.record.name)' uses \(existing.record.provider.rawValue); disconnect it and "
                + "choose another name to connect a different provider")
    }

    static let publicURLMissing = APIError(
        .serviceUnavailable, code: "public_url_missing",
        message: "set PAPO_PUBLIC_URL to the URL the gateway can reach Papo at, so it can post events back")

    static let notConfigured = APIError(
        .serviceUnavailable, code: "sessions_not_configured",
        message: "connecting Meta or Baileys numbers needs PAPO_ENCRYPTION_KEY to store credentials encrypted")
}
