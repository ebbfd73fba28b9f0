import Crypto
import Foundation

/// Secret comparisons whose duration does not depend on where the inputs differ, so a
/// webhook caller cannot guess a secret byte by byte from response times.
enum ConstantTime {
    /// Compares SHA-256 digests of both strings: equal lengths whatever the inputs, so
    /// neither the secret's length nor its content leaks.
    static func equals(_ candidate: String, _ secret: String) -> Bool {
        let left = SHA256.hash(data: Data(candidate.utf8))
        let right = SHA256.hash(data: Data(secret.utf8))
        var difference: UInt8 = 0
        for (a, b) in zip(left, right) {
            difference |= a ^ b
        }
        return difference == 0
    }
}
