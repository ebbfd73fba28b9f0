import Crypto
public import Foundation

/// Encrypts secrets at rest (session credentials, webhook signing secrets) with AES-256-GCM.
///
/// Several keys can be configured, each with an id stored beside every ciphertext: new data is
/// sealed with the newest key, old data stays readable with the key it names, and
/// `papo keys rotate` re-seals everything under the newest key.
public struct SecretBox: Sendable {
    public struct Key: Sendable {
        public var id: String
        let key: SymmetricKey

        public init(id: String, bytes: Data) throws {
            guard bytes.count == 32 else {
                throw SecretBoxError(
                    "encryption key \(id) must be 32 bytes (base64 of 32 random bytes), got \(bytes.count)")
            }
            guard !id.isEmpty, id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
            else {
                throw SecretBoxError("encryption key ids are letters, digits, - and _ (got '\(id)')")
            }
            self.id = id
            key = SymmetricKey(data: bytes)
        }
    }

    /// The keys, oldest first; the last one seals.
    public let keys: [Key]

    public init(keys: [Key]) throws {
        guard !keys.isEmpty else { throw SecretBoxError("at least one encryption key is needed") }
        guard Set(keys.map(\.id)).count == keys.count else { throw SecretBoxError("encryption key ids must be unique") }
        self.keys = keys
    }

    /// Parses `PAPO_ENCRYPTION_KEY`: `id:base64,id:base64,…` (newest last), or one bare base64
    /// key (id `k1`).
    public init(configuration: String) throws {
        var keys: [Key] = []
        for (index, entry) in configuration.split(separator: ",").enumerated() {
            let parts = entry.trimmingCharacters(in: .whitespaces).split(separator: ":", maxSplits: 1)
            let id = parts.count == 2 ? String(parts[0]) : "k\(index + 1)"
            guard let bytes = Data(base64Encoded: String(parts.last ?? "")) else {
                throw SecretBoxError("encryption key \(id) is not valid base64")
            }
            keys.append(try Key(id: id, bytes: bytes))
        }
        try self.init(keys: keys)
    }

    /// The id of the key that seals new data.
    public var currentKeyID: String { keys[keys.count - 1].id }

    /// Seals `plaintext`; returns nonce ‖ ciphertext ‖ tag and the key id to store beside it.
    public func seal(_ plaintext: Data) throws -> (ciphertext: Data, keyID: String) {
        let current = keys[keys.count - 1]
        let box = try AES.GCM.seal(plaintext, using: current.key)
        guard let combined = box.combined else { throw SecretBoxError("AES-GCM produced no combined form") }
        return (combined, current.id)
    }

    /// Opens data sealed under `keyID`; fails when the key is gone or the data was altered.
    public func open(_ ciphertext: Data, keyID: String) throws -> Data {
        guard let key = keys.first(where: { $0.id == keyID }) else {
            throw SecretBoxError(
                "no encryption key '\(keyID)' is configured; keep old keys until `papo keys rotate` ran")
        }
        do {
            return try AES.GCM.open(try AES.GCM.SealedBox(combined: ciphertext), using: key.key)
        } catch {
            throw SecretBoxError("a secret sealed under key '\(keyID)' failed authentication (altered or wrong key)")
        }
    }

    /// A fresh random key in the configuration's base64 form.
    public static func generateKey() -> String {
        SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() }
    }
}

/// An encryption problem, said without ever including key material or plaintext.
public struct SecretBoxError: Error, CustomStringConvertible, Sendable {
    public var description: String
    init(_ description: String) { self.description = description }
}
