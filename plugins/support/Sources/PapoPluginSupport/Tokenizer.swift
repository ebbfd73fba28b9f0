import Foundation

/// Turns Portuguese text into index terms: folded accents and case, stop words dropped, and a
/// light suffix strip so "devoluções" meets "devolução" and "cobrado" meets "cobrança" halfway.
enum Tokenizer {
    static let stopWords: Set<String> = [
        "a", "o", "as", "os", "um", "uma", "de", "da", "do", "das", "dos", "e", "em", "no", "na", "nos", "nas",
        "para", "por", "com", "que", "se", "ao", "aos", "ou", "como", "meu", "minha", "seu", "sua", "voce",
        "eu", "me", "mais", "ja", "nao", "foi", "ser", "esta", "qual", "quais", "quero", "posso", "pelo", "pela",
        "ate", "apos", "depois", "antes", "sem", "isso", "este", "essa", "esse", "tem", "ter",
    ]

    static func terms(_ text: String) -> [String] {
        let folded = text.folding(
            options: [.diacriticInsensitive, .caseInsensitive], locale: Locale(identifier: "pt_BR"))
        return folded.split { !$0.isLetter && !$0.isNumber }
            .map(String.init)
            .filter { $0.count > 1 && !stopWords.contains($0) }
            .map(stem)
    }

    /// A crude stemmer: strips common plural and derivational endings, keeping 4+ letters.
    static func stem(_ word: String) -> String {
        for suffix in [
            "coes", "cao", "mente", "idade", "ados", "adas", "ado", "ada", "ando", "ar", "er", "ir", "es", "s", "o",
            "a", "e",
        ]
        where word.hasSuffix(suffix) && word.count - suffix.count >= 4 {
            return String(word.dropLast(suffix.count))
        }
        return word
    }
}
