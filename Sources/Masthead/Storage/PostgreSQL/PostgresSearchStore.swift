import Logging
import PostgresNIO

/// Full-text search on PostgreSQL: every kind from its stored, GIN-indexed document (article
/// bodies since 0002, the others since 0004), all ranked together by `ts_rank_cd`; snippets
/// by `ts_headline`, for the page's rows only.
struct PostgresSearchStore: SearchStore {
    let engine: PostgresEngine
    let clock: ContentClock
    /// How long one search may run.
    let timeout: Duration

    var logger: Logger { engine.logger }

    /// One kind's searchable rows: `documents` gives each row's id, slug, title and weighted
    /// document; a snippet comes from the first of `fields` (read `from` the row whose id is
    /// `p.id`) that matches, the last when none does, as SQLite takes a snippet from the
    /// best column. Fields are read for the page's rows only: an article's body is large, and
    /// reading it for every match would cost more than ranking them.
    private struct Source {
        let documents: String
        let fields: [String]
        let from: String
    }

    private static let sources: [SearchKind: Source] = [
        .article: Source(
            documents: """
                SELECT 'article' AS kind, a.id, a.slug, a.title, b.search AS document
                FROM articles a JOIN article_bodies b ON b.article_id = a.id
                WHERE \(PostgresVisibility.condition())
                """,
            fields: ["a.title", "a.excerpt", "b.plaintext"],
            from: "articles a JOIN article_bodies b ON b.article_id = a.id WHERE a.id = p.id"
        ),
        .author: Source(
            documents: """
                SELECT 'author' AS kind, id, slug, name AS title, search AS document FROM authors
                """,
            fields: ["name", "location", "bio"],
            from: "authors WHERE id = p.id"
        ),
        .tag: Source(
            documents: """
                SELECT 'tag' AS kind, id, slug, name AS title, search AS document FROM tags
                """,
            fields: ["name", "description"],
            from: "tags WHERE id = p.id"
        ),
        .platform: Source(
            documents: """
                SELECT 'platform' AS kind, id, slug, name AS title, search AS document FROM platforms
                """,
            fields: ["name", "focus", "tagline", "description"],
            from: "platforms WHERE id = p.id"
        ),
        .service: Source(
            documents: """
                SELECT 'service' AS kind, id, slug, title AS title, search AS document FROM services
                """,
            fields: ["title", "subtitle", "description"],
            from: "services WHERE id = p.id"
        ),
    ]

    func search(_ query: SearchQuery, kinds: Set<SearchKind>, page: PageRequest) async throws -> Page<SearchHit> {
        let now = clock.now
        let logger = logger
        let searched = SearchKind.allCases.filter(kinds.contains).compactMap { kind in
            Self.sources[kind].map { (kind, $0) }
        }
        guard !searched.isEmpty else { return Page(items: [], total: 0) }
        let tsquery = PostgresSearch.tsquery(query)
        let union = searched.map(\.1.documents).joined(separator: " UNION ALL ")
        let whens = searched.map { kind, source -> SQLFragment in
            "WHEN \(kind.rawValue) THEN (\(Self.snippetSource(source, matching: tsquery)))"
        }
        let text: SQLFragment = "CASE p.kind \(whens.joined(separator: " ")) END"
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
                    SELECT m.kind, m.id, m.slug, m.title, ts_rank_cd(m.document, \(tsquery)) AS rank FROM matches m
                    ORDER BY rank DESC, kind, id LIMIT \(limit) OFFSET \(page.offset)
                )
                SELECT p.kind, p.slug, p.title, p.rank, ts_headline(
                    'english',
                    masthead_search_text(
                        substr(s.text, greatest(1, strpos(lower(s.text), \(anchor)) - \(Self.windowLead)::int), \(Self.window)::int)
                    ),
                    \(tsquery), \(options)
                ) AS snippet
                FROM page p CROSS JOIN LATERAL (SELECT \(text) AS text) s
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
    static let window = 720
    static let windowLead = 240

    /// `SELECT` the first of the source's fields that matches `tsquery`, else its last (its
    /// first when that is NULL).
    private static func snippetSource(_ source: Source, matching tsquery: SQLFragment) -> SQLFragment {
        let cases = source.fields.dropLast().map { field -> SQLFragment in
            "WHEN to_tsvector('english', masthead_search_text(\(unescaped: field))) @@ \(tsquery) THEN \(unescaped: field)"
        }
        let last = "coalesce(\(source.fields.last!), \(source.fields[0]))"
        return "SELECT CASE \(cases.joined(separator: " ")) ELSE \(unescaped: last) END FROM \(unescaped: source.from)"
    }

    /// A snippet with the stand-ins of `masthead_search_text` turned back into < and >.
    static func unmasked(_ snippet: String) -> String {
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
    static func anchor(of query: SearchQuery) -> String {
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
