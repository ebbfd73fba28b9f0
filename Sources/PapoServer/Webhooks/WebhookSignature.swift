import Crypto
public import Foundation

/// The signature on outgoing tenant webhooks — the same scheme Papo verifies on the tenant's
/// incoming webhooks: `X-Papo-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>.<body>")>`
/// with `X-Papo-Timestamp` the Unix time in seconds. Signing the timestamp with the body lets a
/// receiver refuse old captures.
public enum WebhookSignature {
    /// The `X-Papo-Signature` value for `body` sent at `timestamp`.
    public static func sign(body: Data, timestamp: String, secret: Data) -> String {
        let mac = HMAC<SHA256>.authenticationCode(
            for: signed(body: body, timestamp: timestamp), using: SymmetricKey(data: secret))
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }

    /// Whether `header` is the right signature, compared in constant time.
    public static func isValid(_ header: String, body: Data, timestamp: String, secret: Data) -> Bool {
        guard header.hasPrefix("sha256="), let mac = hexBytes(header.dropFirst(7)) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(
            mac, authenticating: signed(body: body, timestamp: timestamp), using: SymmetricKey(data: secret))
    }

    static func signed(body: Data, timestamp: String) -> Data {
        var signed = Data((timestamp + ".").utf8)
        signed.append(body)
        return signed
    }

    static func hexBytes(_ text: Substring) -> Data? {
        let digits = Array(text.utf8)
        guard digits.count.isMultiple(of: 2) else { return nil }
        var bytes = Data(capacity: digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
