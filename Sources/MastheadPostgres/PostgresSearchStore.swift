import Logging
import MastheadDomain
import MastheadStorage
import PostgresNIO

/// Full-text search on PostgreSQL: every kind from its stored, GIN-indexed document (article
/// bodies since 0002, the others since 0004), all ranked together by `ts_rank_cd`; snippets
/// by `ts_headline`, for the page's rows only.
package struct PostgresSearchStore: SearchStore {
    package let engine: PostgresEngine
    package let clock: ContentClock
    /// How long one search may run.
    package let timeout: Duration

    package var logger: Logger { engine.logger }

    /// One kind's searchable rows: `documents` gives each visible row's id, the weighted
    /// document matched and the one ranked (an article's is smaller, migration 0005). The page's
    /// rows alone are then read `from` (where the row's id is `p.id`): their slug and title
    /// (`label`), and a snippet from the first of `fields` that matches, the last when none
    /// does, as SQLite takes a snippet from the best column. An article's row, its title and
    /// body are large: reading them for every match would cost more than ranking them.
    private struct Source {
        package let documents: String
        package let label: String
        package let fields: [String]
        package let from: String
    }

    private static let sources: [SearchKind: Source] = [
        .article: Source(
            documents: """
                SELECT 'article' AS kind, b.article_id AS id, b.search AS document, b.rank_document AS ranked
                FROM article_bodies b WHERE \(PostgresVisibility.carriedCondition("b"))
                """,
            label: "a.slug AS slug, a.title AS title",
            fields: ["a.title", "a.excerpt", "b.plaintext"],
            from: "articles a JOIN article_bodies b ON b.article_id = a.id WHERE a.id = p.id"
        ),
        .author: Source(
            documents: "SELECT 'author' AS kind, id, search AS document, search AS ranked FROM authors",
            label: "slug, name AS title",
            fields: ["name", "location", "bio"],
            from: "authors WHERE id = p.id"
        ),
        .tag: Source(
            documents: "SELECT 'tag' AS kind, id, search AS document, search AS ranked FROM tags",
            label: "slug, name AS title",
            fields: ["name", "description"],
            from: "tags WHERE id = p.id"
        ),
        .platform: Source(
            documents: "SELECT 'platform' AS kind, id, search AS document, search AS ranked FROM platforms",
            label: "slug, name AS title",
            fields: ["name", "focus", "tagline", "description"],
            from: "platforms WHERE id = p.id"
        ),
        .service: Source(
            documents: "SELECT 'service' AS kind, id, search AS document, search AS ranked FROM services",
            label: "slug, title",
            fields: ["title", "subtitle", "description"],
            from: "services WHERE id = p.id"
        ),
    ]

    package func search(_ query: SearchQuery, kinds: Set<SearchKind>, page: PageRequest) async throws -> Page<SearchHit>
    {
        let now = clock.now
        let logger = logger
        let searched = SearchKind.allCases.filter(kinds.contains).compactMap { kind in
            Self.sources[kind].map { (kind, $0) }
        }
        guard !searched.isEmpty else { return Page(items: [], total: 0) }
        let tsquery = PostgresSearch.tsquery(query)
        let union = searched.map(\.1.documents).joined(separator: " UNION ALL ")
        // One branch per kind, each run only for its own kind's rows.
        let rows = searched.map { kind, source in Self.row(of: kind, source, matching: tsquery) }
            .joined(separator: " UNION ALL ")
        // The query is written out where it is used, not read from a CTE: as a value the
        // planner sees, it estimates the matches from the index's statistics and reaches the
        // GIN index through the union (from a CTE it chose to test every document).
        // The count needs no rank: only the page's query ranks the matches.
        let cte: SQLFragment = """
            \(clock: now), documents AS (\(unescaped: union)),
            matches AS (SELECT d.* FROM documents d WHERE d.document @@ \(tsquery))
            """
        let anchor = Self.anchor(of: query)
        let timeout = timeout
        return try await PostgresSearch.bounded(by: timeout, on: engine) { connection in
            let total = try await PostgresSearch.boundedCount("\(cte) SELECT 1 FROM matches", connection, logger)
            let limit = SearchQuery.reachableLimit(offset: page.offset, limit: page.limit)
            guard limit > 0 else { return Page(items: [], total: total) }
            let options =
                "StartSel=\(SearchHit.markStart), StopSel=\(SearchHit.markEnd), "
                + "MaxWords=16, MinWords=6, MaxFragments=1, FragmentDelimiter=…"
            let hits = try await connection.run(
                """
                \(cte), page AS (
                    SELECT m.kind, m.id, ts_rank_cd(m.ranked, \(tsquery)) AS rank FROM matches m
                    ORDER BY rank DESC, kind, id LIMIT \(limit) OFFSET \(page.offset)
                )
                SELECT p.kind, s.slug, s.title, p.rank, ts_headline(
                    'english',
                    masthead_search_text(
                        substr(s.text, greatest(1, strpos(lower(s.text), \(anchor)) - \(Self.windowLead)::int), \(Self.window)::int)
                    ),
                    \(tsquery), \(options)
                ) AS snippet
                FROM page p CROSS JOIN LATERAL (\(rows)) s
                ORDER BY p.rank DESC, p.kind, p.id
                """,
                logger
            ).map { row in
                SearchHit(
                    kind: SearchKind(rawValue: try row["kind"])!,
                    slug: try row["slug"],
                    title: try row["title"],
                    snippet: Self.unmasked(try row["snippet"]),
                    score: Double(try row["rank"] as Float)
                )
            }
            return Page(items: hits, total: total)
        }
    }

    /// A snippet is cut from a window of the text (`window` characters, from `windowLead`
    /// before the first place the query's first term appears as typed; the start when it does
    /// not), not from the whole text: `ts_headline` parses all it is given, about a
    /// millisecond for a long article, twenty on a page of them.
    package static let window = 720
    package static let windowLead = 240

    /// The page row `p` when it is of `kind`: its slug, its title, and as `text` the first of
    /// the source's fields that matches `tsquery`, else its last (its first when that is NULL).
    private static func row(of kind: SearchKind, _ source: Source, matching tsquery: SQLFragment) -> SQLFragment {
        let cases = source.fields.dropLast().map { field -> SQLFragment in
            "WHEN to_tsvector('english', masthead_search_text(\(unescaped: field))) @@ \(tsquery) THEN \(unescaped: field)"
        }
        let last = "coalesce(\(source.fields.last!), \(source.fields[0]))"
        return """
            SELECT \(unescaped: source.label), CASE \(cases.joined(separator: " ")) ELSE \(unescaped: last) END AS text
            FROM \(unescaped: source.from) AND p.kind = \(kind.rawValue)
            """
    }

    /// A snippet with the stand-ins of `masthead_search_text` turned back into < and >.
    package static func unmasked(_ snippet: String) -> String {
        String(
            String.UnicodeScalarView(
                snippet.unicodeScalars.map { scalar in
                    switch scalar {
                    case "\u{E002}": "<"
                    case "\u{E003}": ">"
                    default: scalar
                    }
                }
            )
        )
    }

    /// The first term as typed, lower-cased: where the window of a snippet starts from.
    package static func anchor(of query: SearchQuery) -> String {
        let first: String =
            switch query.terms.first {
            case .word(let word): word
            case .prefix(let prefix): prefix
            case .phrase(let phrase): phrase
            case nil: ""
            }
        return first.lowercased()
    }
}
