import Crypto
public import Foundation

/// Keys are stored as their SHA-256 and compared in constant time.
public enum APIKeyHash {
    public static func digest(of key: String) -> Data {
        Data(SHA256.hash(data: Data(key.utf8)))
    }

    /// Compares two digests without an early exit, so timing reveals nothing about a prefix match.
    public static func constantTimeEquals(_ lhs: Data, _ rhs: Data) -> Bool {
        guard lhs.count == rhs.count else { return false }
        var difference: UInt8 = 0
        for (left, right) in zip(lhs, rhs) { difference |= left ^ right }
        return difference == 0
    }
}
