import Foundation
import PapoCore
import PapoProviders
import PapoStore

/// The Meta webhook secrets stored with each Meta session (the app secret and verify token given
/// to `POST /sessions/initialize`), for servers that do not set the global
/// `PAPO_META_APP_SECRET` / `PAPO_META_VERIFY_TOKEN`: a notification is checked with the app
/// secret of the session that owns the `phone_number_id` it names.
struct SessionMetaSecrets: Sendable {
    let sessions: SessionStore
    let box: SecretBox

    /// The verifier for the session that owns `phoneNumberID`, when one has credentials.
    func webhook(phoneNumberID: String) async throws -> MetaWebhook? {
        guard let sealed = try await sessions.sealedCredentials(provider: .meta, externalID: phoneNumberID) else {
            return nil
        }
        return try Self.webhook(opening: sealed, box: box)
    }

    /// The verifiers of every Meta session, for the subscription handshake (it names no number).
    func allWebhooks() async throws -> [MetaWebhook] {
        try await sessions.allSealedCredentials(provider: .meta).compactMap { try? Self.webhook(opening: $0, box: box) }
    }

    static func webhook(opening sealed: (data: Data, keyID: String), box: SecretBox) throws -> MetaWebhook? {
        let json = try JSONValue(
            parsing: String(decoding: try box.open(sealed.data, keyID: sealed.keyID), as: UTF8.self))
        guard let appSecret = json["app_secret"]?.stringValue, !appSecret.isEmpty,
            let verifyToken = json["verify_token"]?.stringValue, !verifyToken.isEmpty
        else { return nil }
        return MetaWebhook(verifyToken: verifyToken, appSecret: appSecret)
    }

    /// The `phone_number_id`s a notification names (`entry[].changes[].value.metadata`). Read only
    /// to choose the secret: nothing is stored before the signature matched.
    static func phoneNumberIDs(in body: Data) -> Set<String> {
        guard let root = try? JSONDecoder().decode(JSONValue.self, from: body) else { return [] }
        var ids: Set<String> = []
        for entry in root["entry"]?.arrayValue ?? [] {
            for change in entry["changes"]?.arrayValue ?? [] {
                if let id = change["value"]?["metadata"]?["phone_number_id"]?.stringValue { ids.insert(id) }
            }
        }
        return ids
    }
}
