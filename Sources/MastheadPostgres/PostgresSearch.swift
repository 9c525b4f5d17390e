import MastheadDomain
import PostgresNIO

/// Full-text search on PostgreSQL: a `SearchQuery`'s terms as a `tsquery` (English stems,
/// prefixes, phrases; every term required, or any for similar text), each term a bound
/// parameter that PostgreSQL's own parsers read as text, never as query syntax.
package enum PostgresSearch {
    /// Each term of a reader's query widened as on SQLite (`SearchQuery`): a word also matches its root as a
    /// prefix, a long prefix also the prefix two letters shorter; roots and shorter prefixes
    /// are ASCII letters only, and matched unstemmed against the stored stems.
    package static func tsquery(_ query: SearchQuery) -> SQLFragment {
        let parts: [SQLFragment] = query.terms.map { term in
            switch term {
            case .word(let word):
                guard query.requiresAll, let root = SearchQuery.root(of: word) else {
                    return "plainto_tsquery('english', \(word))"
                }
                return "(plainto_tsquery('english', \(word)) || to_tsquery('simple', \(root + ":*")))"
            case .prefix(let prefix):
                // Letters and digits only: to_tsquery reads its argument as query syntax.
                let cleaned = String(prefix.filter { $0.isLetter || $0.isNumber })
                guard let shorter = SearchQuery.shorterPrefix(of: cleaned) else {
                    return "to_tsquery('english', \(cleaned + ":*"))"
                }
                return "(to_tsquery('english', \(cleaned + ":*")) || to_tsquery('simple', \(shorter + ":*")))"
            case .phrase(let phrase):
                return "phraseto_tsquery('english', \(phrase))"
            }
        }
        guard !parts.isEmpty else { return "''::tsquery" }
        return "(\(parts.joined(separator: query.requiresAll ? " && " : " || ")))"
    }

    /// Matches of a search counted up to `reachableMatches`.
    package static func boundedCount(_ matches: SQLFragment, _ connection: PGConnection, _ logger: Logger) async throws
        -> Int
    {
        let counted =
            try await connection.run(
                "SELECT count(*) AS matches FROM (\(matches) LIMIT \(SearchQuery.reachableMatches + 1)) m",
                logger
            ).first { try $0["matches"] as Int } ?? 0
        return min(counted, SearchQuery.reachableMatches)
    }

    /// Runs `body` in a read-only transaction whose statements stop after `timeout`, as
    /// `StatementBudget` bounds a search on SQLite; a stopped statement is
    /// `StoreError.queryTimedOut`.
    package static func bounded<Result: Sendable>(
        by timeout: Duration,
        on engine: PostgresEngine,
        _ body: (PGConnection) async throws -> Result
    ) async throws -> Result {
        let logger = engine.logger
        return try await engine.write(announcing: nil) { connection in
            // PostgreSQL counts whole milliseconds, and 0 means no limit: round up.
            let milliseconds = String(max(1, Int((timeout / .milliseconds(1)).rounded(.up))))
            // The planner does not count what reading a document costs (a body's tsvector is
            // compressed, kilobytes long): for a word in a quarter of the articles it chose to
            // test every document (60 ms at 10,000) over the GIN index (1 ms). In this
            // transaction a scan of a whole table is the last resort; the small tables have
            // nothing else and are scanned still. Both settings in one round trip.
            try await connection.run(
                """
                SELECT set_config('statement_timeout', \(milliseconds), true),
                       set_config('enable_seqscan', 'off', true)
                """,
                logger
            )
            do {
                return try await body(connection)
            } catch let error as PSQLError where error.serverInfo?[.sqlState] == "57014" {
                throw StoreError.queryTimedOut(limit: timeout)
            }
        }
    }
}
