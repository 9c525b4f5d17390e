import PostgresNIO

/// Full-text search on PostgreSQL: a `SearchQuery`'s terms as a `tsquery` (English stems,
/// prefixes, phrases; every term required, or any for similar text), each term a bound
/// parameter that PostgreSQL's own parsers read as text, never as query syntax.
enum PostgresSearch {
    /// The weighted document of an article: title A, excerpt B, body C.
    static func articleDocument(title: String, excerpt: String, plaintext: String) -> SQLFragment {
        """
        setweight(to_tsvector('english', \(title)), 'A') || setweight(to_tsvector('english', \(excerpt)), 'B')
        || setweight(to_tsvector('english', \(plaintext)), 'C')
        """
    }

    static func tsquery(_ query: SearchQuery) -> SQLFragment {
        let parts: [SQLFragment] = query.terms.map { term in
            switch term {
            case .word(let word):
                return "plainto_tsquery('english', \(word))"
            case .prefix(let prefix):
                // Letters and digits only: to_tsquery reads its argument as query syntax.
                let cleaned = String(prefix.filter { $0.isLetter || $0.isNumber })
                return "to_tsquery('english', \(cleaned + ":*"))"
            case .phrase(let phrase):
                return "phraseto_tsquery('english', \(phrase))"
            }
        }
        guard !parts.isEmpty else { return "''::tsquery" }
        return "(\(parts.joined(separator: query.requiresAll ? " && " : " || ")))"
    }

    /// Matches of a search counted up to `reachableMatches`.
    static func boundedCount(_ matches: SQLFragment, _ connection: PostgresConnection, _ logger: Logger) async throws
        -> Int
    {
        let counted =
            try await connection.run(
                "SELECT count(*) AS matches FROM (\(matches) LIMIT \(SearchQuery.reachableMatches + 1)) m",
                logger
            ).first { try $0["matches"] as Int } ?? 0
        return min(counted, SearchQuery.reachableMatches)
    }
}
