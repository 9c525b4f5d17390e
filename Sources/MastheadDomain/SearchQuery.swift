/// A full-text query made safe for SQLite FTS5.
///
/// Every term is quoted, so user input is never read as FTS5 syntax: `AND`, `NEAR(`, `*`
/// and a lone `"` are just text. Double-quoted phrases stay phrases, a trailing `*` asks for
/// a prefix, and all terms are required.
///
/// The index stems with Porter, which maps "deploying" to `deploi` but "deployment" to
/// `deploy`. So a plain word also matches, as a prefix, its root with common English endings
/// and a final e/i/y removed (`deplo*`): inflections of one word find each other. A prefix
/// of five letters or more also matches two letters shorter, since stems can be shorter
/// than the prefix typed (`operat*` must find "operations", stored as `oper`).
///
/// A query's cost is bounded before it reaches the index: at most `maximumTerms` words and
/// phrases, and a prefix needs at least `minimumPrefixLength` letters or digits (a one-letter
/// prefix makes SQLite merge the postings of every word with that letter).
public struct SearchQuery: Sendable, Equatable {
    public static let maximumLength = 256
    public static let maximumTerms = 16
    public static let minimumPrefixLength = 2
    /// A search reaches its best `reachableMatches` results, and counts matches exactly up
    /// to that many: past it, `total` says `reachableMatches`. Counting every match of a
    /// common word would cost as much as ranking them.
    public static let reachableMatches = 1_000

    /// How many of `limit` rows from `offset` lie within the reachable matches.
    public static func reachableLimit(offset: Int, limit: Int) -> Int {
        max(0, min(limit, reachableMatches - offset))
    }

    /// Why a query is refused before it is run.
    public enum Refusal: Error, Equatable {
        case tooManyTerms
        /// The prefix as typed, without its `*`.
        case prefixTooShort(String)
    }

    /// The FTS5 MATCH expression.
    public let matchExpression: String

    /// One thing to look for, as the user wrote it: what another engine builds its own
    /// query from.
    public enum Term: Sendable, Equatable {
        /// A word, matched with its inflections.
        case word(String)
        /// The start of a word (`deplo*`), at least `minimumPrefixLength` letters or digits.
        case prefix(String)
        /// Words in this order (`"error wrapping"`).
        case phrase(String)
    }

    /// What to look for; `requiresAll` says whether every term must match (a user's query)
    /// or any (finding similar text).
    public let terms: [Term]
    public let requiresAll: Bool

    /// Matches nothing (an empty FTS5 phrase): what a query without a letter or digit finds.
    public static let nothing = SearchQuery(matchExpression: "\"\"", terms: [], requiresAll: true)

    private init(matchExpression: String, terms: [Term], requiresAll: Bool) {
        self.matchExpression = matchExpression
        self.terms = terms
        self.requiresAll = requiresAll
    }

    /// Nil when `text` holds no letter or digit to search for; `Refusal` when it asks for
    /// more than a query may cost.
    public init?(parsing text: some StringProtocol) throws(Refusal) {
        var terms: [String] = []
        var parsed: [Term] = []
        var current = ""
        var inPhrase = false
        var refusal: Refusal?

        func finishTerm() {
            defer { current = "" }
            let isPrefix = !inPhrase && current.hasSuffix("*")
            let word = String(
                current.filter {
                    $0 != "*" && !$0.unicodeScalars.contains { $0.properties.generalCategory == .control }
                }
            )
            guard word.contains(where: { $0.isLetter || $0.isNumber }), refusal == nil else { return }
            guard terms.count < Self.maximumTerms else {
                refusal = .tooManyTerms
                return
            }
            let quoted = "\"" + word + "\""
            if isPrefix {
                guard word.filter({ $0.isLetter || $0.isNumber }).count >= Self.minimumPrefixLength else {
                    refusal = .prefixTooShort(word)
                    return
                }
                // The index holds stems, which can be shorter than the prefix typed
                // ("operations" is stored as `oper`): a shorter prefix finds those too.
                if let shorter = Self.shorterPrefix(of: word) {
                    terms.append("(\(quoted)* OR \"\(shorter)\"*)")
                } else {
                    terms.append(quoted + "*")
                }
                parsed.append(.prefix(word))
            } else if !inPhrase, let root = Self.root(of: word) {
                terms.append("(\(quoted) OR \"\(root)\"*)")
                parsed.append(.word(word))
            } else {
                terms.append(quoted)
                parsed.append(inPhrase ? .phrase(word) : .word(word))
            }
        }

        for character in text {
            if character == "\"" {
                finishTerm()
                inPhrase.toggle()
            } else if character.isWhitespace && !inPhrase {
                finishTerm()
            } else {
                current.append(character)
            }
        }
        finishTerm()
        if let refusal { throw refusal }
        guard !terms.isEmpty else { return nil }
        matchExpression = terms.joined(separator: " AND ")
        self.terms = parsed
        requiresAll = true
    }

    /// Matches text sharing any of the words of `text` (at least three letters long, the
    /// first twelve distinct ones): for finding similar articles, not for user queries.
    public init?(anyOf text: String) {
        var seen: Set<String> = []
        var words: [String] = []
        for word in text.split(whereSeparator: { !$0.isLetter && !$0.isNumber }) where word.count >= 3 {
            let lowered = word.lowercased()
            guard !Self.stopWords.contains(lowered), seen.insert(lowered).inserted else { continue }
            words.append(lowered)
            if words.count == 12 { break }
        }
        guard !words.isEmpty else { return nil }
        matchExpression = words.map { "\"" + $0 + "\"" }.joined(separator: " OR ")
        terms = words.map(Term.word)
        requiresAll = false
    }

    private static let stopWords: Set<String> = [
        "the", "and", "for", "with", "that", "this", "from", "are", "was", "were", "you", "your", "not", "but", "have",
        "has", "its", "our", "can", "all", "how", "why", "what", "when", "who", "into", "out", "one", "they", "their",
    ]

    private static let endings = ["ments", "ment", "ings", "ing", "edly", "ed", "ers", "er", "ies", "es", "s", "ly"]

    /// The shorter prefix a typed prefix also matches (two letters off, at least four left),
    /// since stems can be shorter than the word typed; nil for fewer than five ASCII letters.
    package static func shorterPrefix(of word: String) -> String? {
        let letters = word.lowercased()
        guard letters.count >= 5, letters.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        return String(letters.prefix(max(4, letters.count - 2)))
    }

    /// The word without a common English ending and a final e, i or y; nil when that leaves
    /// fewer than four letters (too short a prefix to mean anything) or changes nothing.
    package static func root(of word: String) -> String? {
        let lowered = word.lowercased()
        guard lowered.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        var root = Substring(lowered)
        if let ending = endings.first(where: { root.hasSuffix($0) && root.count - $0.count >= 4 }) {
            root = root.dropLast(ending.count)
        }
        while let last = root.last, "eiy".contains(last), root.count > 4 {
            root = root.dropLast()
        }
        guard root.count >= 4, root != lowered else { return nil }
        return String(root)
    }
}
