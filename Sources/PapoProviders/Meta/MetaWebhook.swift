import Crypto
public import Foundation

/// Authenticates Meta webhook calls (meta-cloud-api.md §4.1–4.2); parsing is in
/// `MetaWebhook+Parsing.swift`.
///
/// Both checks compare in constant time, and neither secret ever appears in an error or
/// `description`.
public struct MetaWebhook: Sendable, CustomStringConvertible {
    let verifyToken: String
    let appSecret: String

    /// Creates a verifier from the token typed into Meta's webhook settings and the app
    /// secret that signs every notification.
    public init(verifyToken: String, appSecret: String) {
        self.verifyToken = verifyToken
        self.appSecret = appSecret
    }

    /// Answers the subscription handshake `GET ?hub.mode=subscribe&hub.challenge=…&hub.verify_token=…`:
    /// the challenge to send back with `200`, or `nil` to refuse (answer `403`).
    public func challengeResponse(mode: String?, verifyToken candidate: String?, challenge: String?) -> String? {
        guard mode == "subscribe", let candidate, let challenge, !challenge.isEmpty,
            ConstantTime.equals(candidate, verifyToken)
        else { return nil }
        return challenge
    }

    /// ``challengeResponse(mode:verifyToken:challenge:)`` reading the three `hub.*` query
    /// parameters.
    public func challengeResponse(query: [String: String]) -> String? {
        challengeResponse(
            mode: query["hub.mode"], verifyToken: query["hub.verify_token"], challenge: query["hub.challenge"])
    }

    /// Whether `header` (the `X-Hub-Signature-256` value, `sha256=<hex>`) is the HMAC-SHA256
    /// of the raw `body` under the app secret. Hash the bytes as received — never JSON that
    /// was parsed and re-serialised.
    ///
    /// Meta's docs say the signature is computed over the payload with non-ASCII characters
    /// escaped as lowercase `\uXXXX`; when the raw bytes carry such characters unescaped and
    /// do not match, the escaped form is tried too (as whatsapp-api-js does).
    public func isValidSignature(_ header: String?, body: Data) -> Bool {
        guard let header, let signature = Self.signatureBytes(header) else { return false }
        let key = SymmetricKey(data: Data(appSecret.utf8))
        if HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: body, using: key) {
            return true
        }
        guard body.contains(where: { $0 >= 0x80 }), let escaped = Self.unicodeEscaped(body) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(signature, authenticating: escaped, using: key)
    }

    public var description: String { "MetaWebhook(verifyToken: <redacted>, appSecret: <redacted>)" }

    /// The 32 bytes of `sha256=<64 hex digits>`, or `nil` for anything else.
    static func signatureBytes(_ header: String) -> Data? {
        let trimmed = header.trimmingWhitespace()
        guard trimmed.lowercased().hasPrefix("sha256=") else { return nil }
        let hex = Array(trimmed.utf8.dropFirst("sha256=".count))
        guard hex.count == 64 else { return nil }
        var bytes = Data(capacity: 32)
        var index = 0
        while index < hex.count {
            guard let high = hexValue(hex[index]), let low = hexValue(hex[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    /// The body with every non-ASCII UTF-16 unit written as lowercase `\uXXXX`. Non-ASCII
    /// bytes can only sit inside JSON strings, where the escape means the same character.
    static func unicodeEscaped(_ body: Data) -> Data? {
        guard let text = String(data: body, encoding: .utf8) else { return nil }
        var escaped = ""
        escaped.reserveCapacity(body.count + 64)
        for unit in text.utf16 {
            if unit < 0x80 {
                escaped.unicodeScalars.append(Unicode.Scalar(UInt8(unit)))
            } else {
                let hex = String(unit, radix: 16)
                escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            }
        }
        return Data(escaped.utf8)
    }
}
