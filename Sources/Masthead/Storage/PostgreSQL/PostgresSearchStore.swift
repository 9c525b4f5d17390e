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

    /// One kind's searchable rows: `documents` gives each row's id, slug, title and weighted
    /// document; `text` is the snippet's source for the row whose id is `p.id`, read for the
    /// page's rows only (an article's body is large: reading it for every match would cost
    /// more than ranking them).
    private struct Source {
        let documents: String
        let text: String
    }

    private static let sources: [SearchKind: Source] = [
        .article: Source(
            documents: """
                SELECT 'article' AS kind, a.id, a.slug, a.title, b.search AS document
                FROM articles a JOIN article_bodies b ON b.article_id = a.id
                WHERE \(PostgresVisibility.condition())
                """,
            text: """
                SELECT a.title || '. ' || a.excerpt || '. ' || b.plaintext
                FROM articles a JOIN article_bodies b ON b.article_id = a.id WHERE a.id = p.id
                """
        ),
        .author: Source(
            documents: """
                SELECT 'author' AS kind, id, slug, name AS title, setweight(to_tsvector('english', name), 'A')
                       || setweight(to_tsvector('english', coalesce(location, '')), 'B')
                       || setweight(to_tsvector('english', coalesce(bio, '')), 'C') AS document
                FROM authors
                """,
            text: "SELECT name || '. ' || coalesce(bio, '') FROM authors WHERE id = p.id"
        ),
        .tag: Source(
            documents: """
                SELECT 'tag' AS kind, id, slug, name AS title, setweight(to_tsvector('english', name), 'A')
                       || setweight(to_tsvector('english', coalesce(description, '')), 'B') AS document
                FROM tags
                """,
            text: "SELECT name || '. ' || coalesce(description, '') FROM tags WHERE id = p.id"
        ),
        .platform: Source(
            documents: """
                SELECT 'platform' AS kind, id, slug, name AS title, setweight(to_tsvector('english', name), 'A')
                       || setweight(to_tsvector('english', focus || '. ' || tagline), 'B')
                       || setweight(to_tsvector('english', description), 'C') AS document
                FROM platforms
                """,
            text: """
                SELECT name || '. ' || focus || '. ' || tagline || '. ' || description FROM platforms WHERE id = p.id
                """
        ),
        .service: Source(
            documents: """
                SELECT 'service' AS kind, id, slug, title AS title, setweight(to_tsvector('english', title), 'A')
                       || setweight(to_tsvector('english', subtitle), 'B')
                       || setweight(to_tsvector('english', description), 'C') AS document
                FROM services
                """,
            text: "SELECT title || '. ' || subtitle || '. ' || description FROM services WHERE id = p.id"
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
        let text =
            "CASE p.kind "
            + searched.map { kind, source in "WHEN '\(kind.rawValue)' THEN (\(source.text))" }.joined(separator: " ")
            + " END"
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
                    SELECT m.kind, m.id, m.slug, m.title, ts_rank_cd(m.document, query.q) AS rank
                    FROM matches m, query
                    ORDER BY rank DESC, kind, id LIMIT \(limit) OFFSET \(page.offset)
                )
                SELECT p.kind, p.slug, p.title, p.rank,
                       ts_headline('english', \(unescaped: text), (SELECT q FROM query), \(options)) AS snippet
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
