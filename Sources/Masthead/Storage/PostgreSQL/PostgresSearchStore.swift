import Logging
import PostgresNIO

/// Full-text search on PostgreSQL: articles from their stored documents (GIN-indexed), the
/// few authors, tags, platforms and services from documents made as they are searched, all
/// ranked together by `ts_rank_cd`; snippets by `ts_headline`, for the page's rows only.
struct PostgresSearchStore: SearchStore {
    let engine: PostgresEngine
    let clock: ContentClock
    /// How long one search may run.
    let timeout: Duration

    var logger: Logger { engine.logger }

    /// Each kind's documents: its id, slug, title, weighted document and snippet source.
    private static let documents: [SearchKind: String] = [
        .article: """
        SELECT 'article' AS kind, a.id, a.slug, a.title, b.search AS document,
               a.title || '. ' || a.excerpt || '. ' || b.plaintext AS text
        FROM articles a JOIN article_bodies b ON b.article_id = a.id
        WHERE \(PostgresVisibility.condition())
        """,
        .author: """
        SELECT 'author' AS kind, id, slug, name AS title, setweight(to_tsvector('english', name), 'A')
               || setweight(to_tsvector('english', coalesce(location, '')), 'B')
               || setweight(to_tsvector('english', coalesce(bio, '')), 'C') AS document,
               name || '. ' || coalesce(bio, '') AS text
        FROM authors
        """,
        .tag: """
        SELECT 'tag' AS kind, id, slug, name AS title, setweight(to_tsvector('english', name), 'A')
               || setweight(to_tsvector('english', coalesce(description, '')), 'B') AS document,
               name || '. ' || coalesce(description, '') AS text
        FROM tags
        """,
        .platform: """
        SELECT 'platform' AS kind, id, slug, name AS title, setweight(to_tsvector('english', name), 'A')
               || setweight(to_tsvector('english', focus || '. ' || tagline), 'B')
               || setweight(to_tsvector('english', description), 'C') AS document,
               name || '. ' || focus || '. ' || tagline || '. ' || description AS text
        FROM platforms
        """,
        .service: """
        SELECT 'service' AS kind, id, slug, title AS title, setweight(to_tsvector('english', title), 'A')
               || setweight(to_tsvector('english', subtitle), 'B')
               || setweight(to_tsvector('english', description), 'C') AS document,
               title || '. ' || subtitle || '. ' || description AS text
        FROM services
        """,
    ]

    func search(_ query: SearchQuery, kinds: Set<SearchKind>, page: PageRequest) async throws -> Page<SearchHit> {
        let now = clock.now
        let logger = logger
        let sources = SearchKind.allCases.filter(kinds.contains).compactMap { Self.documents[$0] }
        guard !sources.isEmpty else { return Page(items: [], total: 0) }
        let tsquery = PostgresSearch.tsquery(query)
        let union = sources.joined(separator: " UNION ALL ")
        // The count needs no rank: only the page's query ranks the matches.
        let cte: SQLFragment = """
            \(clock: now), query AS (SELECT \(tsquery) AS q), documents AS (\(unescaped: union)),
            matches AS (SELECT d.* FROM documents d, query WHERE d.document @@ query.q)
            """
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
                    SELECT m.*, ts_rank_cd(m.document, query.q) AS rank FROM matches m, query
                    ORDER BY rank DESC, kind, id LIMIT \(limit) OFFSET \(page.offset)
                )
                SELECT p.kind, p.slug, p.title, p.rank,
                       ts_headline('english', p.text, (SELECT q FROM query), \(options)) AS snippet
                FROM page p ORDER BY p.rank DESC, p.kind, p.id
                """,
                logger
            ).map { row in
                SearchHit(
                    kind: SearchKind(rawValue: try row["kind"])!,
                    slug: try row["slug"],
                    title: try row["title"],
                    snippet: try row["snippet"],
                    score: Double(try row["rank"] as Float)
                )
            }
            return Page(items: hits, total: total)
        }
    }
}
