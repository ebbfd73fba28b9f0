/// Generation of random identifiers and secrets.
///
/// Secrets use the system's cryptographically secure generator and an alphabet that survives
/// copy and paste, shells and URLs without quoting.
public enum SecretToken {
    private static let alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
    private static let lowercase = Array("0123456789abcdefghijklmnopqrstuvwxyz")

    /// A random string of `length` base-62 characters (about 5.95 bits each).
    public static func random(length: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet[Int(generator.next(upperBound: UInt64(alphabet.count)))] })
    }

    /// An API key: `papo_` followed by 43 base-62 characters (≈256 bits).
    public static func apiKey() -> String {
        "papo_" + random(length: 43)
    }

    /// The part of a key that may be shown after creation, to tell keys apart.
    public static func displayPrefix(of key: String) -> String {
        String(key.prefix(12))
    }

    /// A readable client id: a slug of the tenant's name and a random suffix (`acme-imoveis-x8k2p1`).
    public static func clientID(forName name: String) -> String {
        var slug = ""
        for character in name.lowercased() {
            let plain = accentFree[character] ?? character
            if plain.isASCII, plain.isLetter || plain.isNumber {
                slug.append(plain)
            } else if !slug.isEmpty, slug.last != "-" {
                slug.append("-")
            }
        }
        while slug.hasSuffix("-") { slug.removeLast() }
        slug = String(slug.prefix(32))
        var generator = SystemRandomNumberGenerator()
        let suffix = String((0..<6).map { _ in lowercase[Int(generator.next(upperBound: UInt64(lowercase.count)))] })
        return (slug.isEmpty ? "tenant" : slug) + "-" + suffix
    }

    /// Accented Latin letters common in Portuguese and Spanish names, mapped to their base letter.
    private static let accentFree: [Character: Character] = [
        "á": "a", "à": "a", "â": "a", "ã": "a", "ä": "a", "é": "e", "ê": "e", "è": "e", "ë": "e",
        "í": "i", "ì": "i", "î": "i", "ï": "i", "ó": "o", "ò": "o", "ô": "o", "õ": "o", "ö": "o",
        "ú": "u", "ù": "u", "û": "u", "ü": "u", "ç": "c", "ñ": "n",
    ]
}
