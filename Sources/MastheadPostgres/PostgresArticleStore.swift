import Foundation
import Logging
import MastheadDomain
import MastheadStorage
import PostgresNIO

/// Articles on PostgreSQL, as `SQLiteArticleStore` keeps them on SQLite: narrow rows in
/// `articles`, bodies (with their search document) in `article_bodies`, tags in
/// `article_tags`, old slugs in `article_redirects`.
package struct PostgresArticleStore: ArticleStore {
    package let engine: PostgresEngine
    package let clock: ContentClock
    /// How long a list filtered by full text may run.
    package var searchTimeout: Duration = .seconds(2)
    /// How many revisions each article keeps.
    package var revisionsKept: Int = StoreLimits.defaultRevisionsKept
    /// Public lists' totals, kept between writes; nil counts every time.
    package var counts: ListCounts?

    package var logger: Logger { engine.logger }

    // MARK: Reads

    package func list(_ query: ArticleListQuery) async throws -> ArticlePage {
        let now = clock.now
        let logger = logger
        // A full-text filter is bounded in time; other lists are bounded by their indexes.
        guard query.search != nil else {
            let counts = counts
            let key = counts == nil ? nil : ListCounts.Key(query)
            let generation = counts?.generation ?? 0
            let known = key.flatMap { counts?.total(for: $0, at: now) }
            return try await engine.client.withConnection { connection in
                let page = try await Self.list(query, now: now, total: known, connection, logger)
                if let counts, let key, known == nil {
                    // One look for the next publication serves every list counted until then.
                    let until: Timestamp?
                    if let kept = counts.nextPublication(at: now) {
                        until = kept
                    } else {
                        until = try await Self.nextPublication(after: now, connection, logger)
                    }
                    counts.keep(page.total, for: key, at: now, until: until, generation: generation)
                }
                return page
            }
        }
        return try await PostgresSearch.bounded(by: searchTimeout, on: engine) { connection in
            try await Self.list(query, now: now, total: nil, connection, logger)
        }
    }

    /// `total`, when known, is not counted again.
    private static func list(
        _ query: ArticleListQuery,
        now: Timestamp,
        total: Int?,
        _ connection: PGConnection,
        _ logger: Logger
    ) async throws -> ArticlePage {
        // One tag's public timeline is read from the tag's links alone (count and page order
        // from one index); the articles are joined for the page's rows only.
        if let tag = ArticleColumns.timelineTag(of: query) {
            return try await list(
                query,
                now: now,
                from: "article_tags at",
                pageFrom: "article_tags at JOIN articles a ON a.id = at.article_id",
                conditions: [
                    "\(unescaped: PostgresVisibility.carriedCondition())",
                    "at.tag_id = (SELECT id FROM tags WHERE slug = \(tag.value))",
                ],
                time: .tagLinks,
                total: total,
                connection,
                logger
            )
        }
        var conditions: [SQLFragment] = [condition(for: query.visibility)]
        if !query.tags.isEmpty {
            conditions.append(
                """
                a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id
                         WHERE t.slug = ANY(\(query.tags.map(\.value))))
                """
            )
        }
        if let author = query.author {
            conditions.append("a.author_id = (SELECT id FROM authors WHERE slug = \(author.value))")
        }
        if let featured = query.featured { conditions.append("a.featured = \(featured)") }
        var from: SQLFragment = "articles a"
        if let search = query.search {
            from = "articles a JOIN article_bodies sb ON sb.article_id = a.id"
            conditions.append("sb.search @@ \(PostgresSearch.tsquery(search))")
        }
        return try await list(
            query,
            now: now,
            from: from,
            pageFrom: from,
            conditions: conditions,
            time: .articles(query.visibility),
            total: total,
            connection,
            logger
        )
    }

    /// The count from `from`, the page from `pageFrom` (which joins `articles a`), ordered by
    /// publication time along `time`, or by rank when searched and no sort is asked for.
    private static func list(
        _ query: ArticleListQuery,
        now: Timestamp,
        from: SQLFragment,
        pageFrom: SQLFragment,
        conditions: [SQLFragment],
        time: ArticleColumns.Time,
        total known: Int?,
        _ connection: PGConnection,
        _ logger: Logger
    ) async throws -> ArticlePage {
        var conditions = conditions
        if let after = query.publishedAfter { conditions.append("\(unescaped: time.stored) > \(after)") }
        if let before = query.publishedBefore { conditions.append("\(unescaped: time.stored) < \(before)") }
        let filter = conditions.joined(separator: " AND ")
        let total: Int
        if let known {
            total = known
        } else if query.search != nil {
            total = try await PostgresSearch.boundedCount(
                "\(clock: now)SELECT 1 FROM \(from) WHERE \(filter)",
                connection,
                logger
            )
        } else {
            total =
                try await connection.runPrepared(
                    "\(clock: now)SELECT count(*) AS total FROM \(from) WHERE \(filter)",
                    logger
                ).first { try $0["total"] as Int } ?? 0
        }

        let sort = query.effectiveSort
        var pageFilter = filter
        var limit = query.limit
        var offset = 0
        switch query.paging {
        case .page(let number):
            offset = (number - 1) * query.limit
            if query.search != nil { limit = SearchQuery.reachableLimit(offset: offset, limit: limit) }
        case .after(let cursor):
            if let sort {
                let (column, id) =
                    sort.field == .publishedAt
                    ? (time.order, time.id)
                    : (Self.column(for: sort.field, visibility: query.visibility), "a.id")
                let comparison = sort.descending ? "<" : ">"
                pageFilter =
                    "\(filter) AND (\(unescaped: column), \(unescaped: id)) \(unescaped: comparison) (\(cursor.time), \(cursor.id))"
            }
            limit += 1  // one more, to know whether a next page exists
        }
        let order: SQLFragment
        if let sort {
            if sort.field == .publishedAt {
                let direction = sort.descending ? " DESC" : ""
                order = "\(unescaped: time.order + direction), \(unescaped: time.id + direction)"
            } else {
                order = "\(unescaped: Self.ordering(for: sort, visibility: query.visibility))"
            }
        } else if let search = query.search {
            order = "ts_rank_cd(sb.rank_document, \(PostgresSearch.tsquery(search))) DESC, a.id DESC"
        } else {
            order = "a.id DESC"
        }
        var articles: [Article] = []
        var fetched = 0
        if limit > 0 {
            let page: SQLFragment = """
                \(clock: now)SELECT \(unescaped: selection(bodies: query.bodies))
                FROM \(pageFrom) JOIN authors au ON au.id = a.author_id\(unescaped: bodyJoin(query.bodies))
                WHERE \(pageFilter) ORDER BY \(order) LIMIT \(limit) OFFSET \(offset)
                """
            // A search's text changes with its terms: it is never prepared.
            let rows = try await connection.run(page, logger, prepared: query.search == nil)
                .map { try article(from: $0, now: now, bodies: query.bodies) }
            fetched = rows.count
            articles = Array(rows.prefix(query.limit))
            try await attachTags(to: &articles, connection, logger)
        }
        let hasMore: Bool =
            switch query.paging {
            case .page: offset + articles.count < total
            case .after: fetched > query.limit
            }
        var nextCursor: ArticleCursor?
        if hasMore, let sort, sort.field.supportsCursor, let last = articles.last {
            let time = sort.field == .publishedAt ? last.publishedAt ?? last.createdAt : last.updatedAt
            nextCursor = ArticleCursor(sort: sort, time: time, id: last.id)
        }
        return ArticlePage(articles: articles, total: total, nextCursor: nextCursor)
    }

    package func find(slug: Slug, bodies: Set<BodyFormat>, visibility: ArticleVisibility) async throws -> Article {
        let now = clock.now
        let logger = logger
        // One statement, the tags in the row: an article read is one round trip.
        let found = try await engine.client.withConnection { connection in
            try await connection.runPrepared(
                """
                \(clock: now)SELECT \(unescaped: Self.selection(bodies: bodies)), \(unescaped: Self.tagsJSON)
                FROM articles a JOIN authors au ON au.id = a.author_id\(unescaped: Self.bodyJoin(bodies))
                WHERE a.slug = \(slug.value) AND \(Self.condition(for: visibility))
                """,
                logger
            ).first { row in
                var article = try Self.article(from: row, now: now, bodies: bodies)
                article.tags = try Self.tags(json: row["tags_json"])
                return article
            }
        }
        guard let found else { throw StoreError.notFound(resource: .article, slug: slug.value) }
        return found
    }

    package func currentSlug(forOldSlug slug: Slug, visibility: ArticleVisibility) async throws -> String? {
        let now = clock.now
        return try await engine.client.withConnection { connection in
            try await connection.run(
                """
                \(clock: now)SELECT a.slug FROM article_redirects r JOIN articles a ON a.id = r.article_id
                WHERE r.old_slug = \(slug.value) AND \(Self.condition(for: visibility))
                """,
                logger
            ).first { try $0["slug"] as String }
        }
    }

    package func nextPublication(after now: Timestamp) async throws -> Timestamp? {
        let logger = logger
        return try await engine.client.withConnection { connection in
            try await Self.nextPublication(after: now, connection, logger)
        }
    }

    private static func nextPublication(
        after now: Timestamp,
        _ connection: PGConnection,
        _ logger: Logger
    ) async throws -> Timestamp? {
        try await connection.run(
            """
            \(clock: now)SELECT min(a.published_at) AS next FROM articles a
            WHERE \(unescaped: PostgresVisibility.scheduledCondition())
            """,
            logger
        ).first { try $0.optionalTime("next") } ?? nil
    }

    package func sitemapEntries(limit: Int) async throws -> [SitemapEntry] {
        let now = clock.now
        return try await engine.client.withConnection { connection in
            try await connection.run(
                """
                \(clock: now)SELECT a.slug, a.canonical_url, a.updated_at FROM articles a
                WHERE \(unescaped: PostgresVisibility.condition())
                ORDER BY a.published_at DESC, a.id DESC LIMIT \(limit)
                """,
                logger
            ).map { row in
                SitemapEntry(
                    slug: try row["slug"],
                    canonicalURL: try row["canonical_url"],
                    updatedAt: try row.time("updated_at")
                )
            }
        }
    }

    package func existing(among slugs: [Slug]) async throws -> Set<String> {
        let logger = logger
        return try await engine.client.withConnection { connection in
            try await PostgresWrites.existing(slugs, in: "articles", connection, logger)
        }
    }

    /// Articles matching `filter`, each with author and tags, in no particular order.
    package static func fetch(
        _ filter: SQLFragment,
        bodies: Set<BodyFormat>,
        now: Timestamp,
        _ connection: PGConnection,
        _ logger: Logger
    ) async throws -> [Article] {
        var articles = try await connection.runPrepared(
            """
            \(clock: now)SELECT \(unescaped: selection(bodies: bodies))
            FROM articles a JOIN authors au ON au.id = a.author_id\(unescaped: bodyJoin(bodies))
            WHERE \(filter)
            """,
            logger
        ).map { try article(from: $0, now: now, bodies: bodies) }
        try await attachTags(to: &articles, connection, logger)
        return articles
    }

    /// Articles by id, in the order given, each with author and tags, without bodies.
    package static func fetchMany(ids: [Int64], now: Timestamp, _ connection: PGConnection, _ logger: Logger)
        async throws -> [Article]
    {
        guard !ids.isEmpty else { return [] }
        let articles = try await fetch("a.id = ANY(\(ids))", bodies: [], now: now, connection, logger)
        let byID = Dictionary(uniqueKeysWithValues: articles.map { ($0.id, $0) })
        return ids.compactMap { byID[$0] }
    }

    package static func condition(for visibility: ArticleVisibility) -> SQLFragment {
        switch visibility {
        case .published: "\(unescaped: PostgresVisibility.condition())"
        case .drafts: "a.status = 'draft'"
        case .scheduled: "\(unescaped: PostgresVisibility.scheduledCondition())"
        case .all: "TRUE"
        }
    }

    package static func selection(bodies: Set<BodyFormat>) -> String { ArticleColumns.selection(bodies: bodies) }
    package static func bodyJoin(_ bodies: Set<BodyFormat>) -> String { ArticleColumns.bodyJoin(bodies) }

    private static func column(for field: ArticleSortField, visibility: ArticleVisibility) -> String {
        ArticleColumns.column(for: field, visibility: visibility) { "masthead_nocase(\($0))" }
    }

    private static func ordering(for sort: ArticleSort, visibility: ArticleVisibility) -> String {
        ArticleColumns.ordering(for: sort, visibility: visibility) { "masthead_nocase(\($0))" }
    }

    /// The HTML body is rendered here, from the Markdown.
    package static func article(from row: PGRow, now: Timestamp, bodies: Set<BodyFormat>) throws -> Article {
        let status: String = try row["status"]
        let publishedAt = try row.optionalTime("published_at")
        let markdown: String? = bodies.contains(.html) || bodies.contains(.markdown) ? try row["body_markdown"] : nil
        return Article(
            id: try row["id"],
            slug: try row["slug"],
            title: try row["title"],
            excerpt: try row["excerpt"],
            status: ArticleStatus.at(now, storedStatus: status, publishedAt: publishedAt),
            featured: try row["featured"],
            publishedAt: publishedAt,
            createdAt: try row.time("created_at"),
            updatedAt: try row.time("updated_at"),
            readingTimeMinutes: try row["reading_time_minutes"],
            wordCount: try row["word_count"],
            views: try row["views"],
            details: try ArticleDetails(reading: row.detail),
            customExcerpt: try row["custom_excerpt"],
            revision: try row["revision"],
            author: AuthorSummary(
                id: try row["author_id"],
                slug: try row["author_slug"],
                name: try row["author_name"],
                avatarURL: try row["author_avatar_url"]
            ),
            tags: [],
            bodyHTML: bodies.contains(.html) ? markdown.map(MarkdownRenderer.html) : nil,
            bodyMarkdown: bodies.contains(.markdown) ? markdown : nil,
            bodyPlaintext: bodies.contains(.plaintext) ? try row["body_plaintext"] : nil
        )
    }

    /// One article's tags in its own row, as JSON (`[id, slug, name]` in order). For a page,
    /// `attachTags` is cheaper: a subquery per row is planned as a scan of the tags for each.
    private static let tagsJSON = """
        (SELECT coalesce(json_agg(json_build_array(t.id, t.slug, t.name) ORDER BY lt.position), '[]')::text
         FROM article_tags lt JOIN tags t ON t.id = lt.tag_id WHERE lt.article_id = a.id) AS tags_json
        """

    private static func tags(json: String) throws -> [TagSummary] {
        try JSONDecoder().decode([TagFields].self, from: Data(json.utf8)).map(\.tag)
    }

    /// A tag as `tagsJSON` lists it.
    private struct TagFields: Decodable {
        package let tag: TagSummary

        package init(from decoder: any Decoder) throws {
            var fields = try decoder.unkeyedContainer()
            tag = TagSummary(
                id: try fields.decode(Int64.self),
                slug: try fields.decode(String.self),
                name: try fields.decode(String.self)
            )
        }
    }

    /// One query for the tags of every article on the page: measured cheaper than a
    /// subquery per row, which PostgreSQL plans as a scan of the tags for each.
    package static func attachTags(to articles: inout [Article], _ connection: PGConnection, _ logger: Logger)
        async throws
    {
        guard !articles.isEmpty else { return }
        let rows = try await connection.runPrepared(
            """
            SELECT at.article_id, t.id, t.slug, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id
            WHERE at.article_id = ANY(\(articles.map(\.id))) ORDER BY at.article_id, at.position
            """,
            logger
        ).map { row in
            (
                try row["article_id"] as Int64,
                TagSummary(id: try row["id"], slug: try row["slug"], name: try row["name"])
            )
        }
        let tagsByArticle = Dictionary(grouping: rows, by: \.0).mapValues { $0.map(\.1) }
        for index in articles.indices {
            articles[index].tags = tagsByArticle[articles[index].id] ?? []
        }
    }

    // MARK: Writes

    package func create(_ input: ArticleInput, by actor: TokenInfo?) async throws -> Article {
        let now = clock.now
        let body = ArticleText(markdown: input.bodyMarkdown, html: true)
        let (logger, token, revisionsKept) = (logger, actor, revisionsKept)
        var article = try await engine.write(announcing: .content) { connection in
            let (authorID, tagIDs) = try await Self.references(of: input, connection, logger)
            let slug = try await PostgresWrites.slug(
                for: input.slug,
                current: nil,
                table: "articles",
                resource: .article,
                excludingID: nil,
                connection,
                logger
            )
            let fields = ArticleFields(input, fallbackExcerpt: body.fallbackExcerpt, now: now)
            let id = try await connection.run(
                """
                INSERT INTO articles (slug, title, custom_excerpt, excerpt, status, featured, published_at, author_id,
                    word_count, reading_time_minutes, \(ArticleDetails.columns), created_at, updated_at)
                VALUES (\(slug), \(input.title), \(input.customExcerpt), \(fields.excerpt), \(input.status.rawValue),
                    \(input.featured), \(fields.publishedAt), \(authorID), \(body.wordCount), \(body.readingTimeMinutes),
                    \(input.details.values), \(now), \(now))
                RETURNING id
                """,
                logger
            ).first { try $0["id"] as Int64 }!
            try await Self.saveBody(body, of: id, connection, logger)
            try await Self.claim(slug: slug, connection, logger)
            try await Self.setTags(tagIDs, of: id, connection, logger)
            try await Self.keepRevision(
                try ArticleSnapshot(input, slug: slug, publishedAt: fields.publishedAt),
                number: 1,
                of: id,
                at: now,
                by: token,
                keeping: revisionsKept,
                connection,
                logger
            )
            try await PostgresOutbox.record(
                ContentEvent.articleWrite(
                    slug: slug,
                    previousSlug: nil,
                    before: nil,
                    after: ContentEvent.ArticleState(published: input.status == .published, at: fields.publishedAt),
                    now: now
                ),
                now: now,
                connection,
                logger
            )
            return try await Self.fetch("a.id = \(id)", bodies: [], now: now, connection, logger)[0]
        }
        article.bodyHTML = body.html
        return article
    }

    package func replace(
        slug: Slug,
        with input: ArticleInput,
        expectedRevision: Int?,
        by actor: TokenInfo?
    ) async throws -> Article {
        let now = clock.now
        let body = ArticleText(markdown: input.bodyMarkdown, html: true)
        let (logger, token, revisionsKept) = (logger, actor, revisionsKept)
        var article = try await engine.write(announcing: .content) { connection in
            let current = try await PostgresWrites.lock(slug, in: "articles", resource: .article, connection, logger)
            let revision = try WriteRevision.next(current: current.revision, expected: expectedRevision)
            let before = try await Self.state(of: current.id, connection, logger)
            try await Self.keepUnrecordedRevision(
                of: current.id,
                revision: current.revision,
                now: now,
                keeping: revisionsKept,
                connection,
                logger
            )
            let newSlug = try await PostgresWrites.slug(
                for: input.slug,
                current: current.slug,
                table: "articles",
                resource: .article,
                excludingID: current.id,
                connection,
                logger
            )
            let (authorID, tagIDs) = try await Self.references(of: input, connection, logger)
            if newSlug != current.slug {
                try await Self.claim(slug: newSlug, connection, logger)
                try await connection.run(
                    """
                    INSERT INTO article_redirects (old_slug, article_id, created_at) VALUES (\(current.slug), \(current.id), \(now))
                    ON CONFLICT (old_slug) DO UPDATE SET article_id = excluded.article_id, created_at = excluded.created_at
                    """,
                    logger
                )
            }
            let fields = ArticleFields(input, fallbackExcerpt: body.fallbackExcerpt, now: now)
            try await connection.run(
                """
                UPDATE articles SET slug = \(newSlug), title = \(input.title), custom_excerpt = \(input.customExcerpt),
                    excerpt = \(fields.excerpt), status = \(input.status.rawValue), featured = \(input.featured),
                    published_at = \(fields.publishedAt), author_id = \(authorID), word_count = \(body.wordCount),
                    reading_time_minutes = \(body.readingTimeMinutes), \(input.details.assignments),
                    revision = \(revision), updated_at = \(now)
                WHERE id = \(current.id)
                """,
                logger
            )
            try await Self.saveBody(body, of: current.id, connection, logger)
            try await Self.setTags(tagIDs, of: current.id, connection, logger)
            try await Self.keepRevision(
                try ArticleSnapshot(input, slug: newSlug, publishedAt: fields.publishedAt),
                number: revision,
                of: current.id,
                at: now,
                by: token,
                keeping: revisionsKept,
                connection,
                logger
            )
            try await PostgresOutbox.record(
                ContentEvent.articleWrite(
                    slug: newSlug,
                    previousSlug: current.slug,
                    before: before,
                    after: ContentEvent.ArticleState(published: input.status == .published, at: fields.publishedAt),
                    now: now
                ),
                now: now,
                connection,
                logger
            )
            return try await Self.fetch("a.id = \(current.id)", bodies: [], now: now, connection, logger)[0]
        }
        article.bodyHTML = body.html
        return article
    }

    package func delete(slug: Slug, expectedRevision: Int?, by actor: TokenInfo?) async throws {
        let now = clock.now
        let logger = logger
        try await engine.write(announcing: .content) { connection in
            let current = try await PostgresWrites.lock(slug, in: "articles", resource: .article, connection, logger)
            _ = try WriteRevision.next(current: current.revision, expected: expectedRevision)
            let before = try await Self.state(of: current.id, connection, logger)
            // Its body, tags, redirects and views go with it (ON DELETE CASCADE).
            try await connection.run("DELETE FROM articles WHERE id = \(current.id)", logger)
            try await PostgresOutbox.record(
                ContentEvent.articleWrite(slug: current.slug, previousSlug: nil, before: before, after: nil, now: now),
                now: now,
                connection,
                logger
            )
        }
    }

    /// What the article's events are judged by, before a write changes it.
    private static func state(of id: Int64, _ connection: PGConnection, _ logger: Logger) async throws
        -> ContentEvent.ArticleState?
    {
        try await connection.run("SELECT status, published_at FROM articles WHERE id = \(id)", logger).first { row in
            ContentEvent.ArticleState(
                published: try row["status"] == "published",
                at: try row.optionalTime("published_at")
            )
        }
    }

    /// The author's and tags' ids; every slug that does not exist is reported at once.
    private static func references(of input: ArticleInput, _ connection: PGConnection, _ logger: Logger)
        async throws -> (Int64, [Int64])
    {
        var missing: [MissingReference] = []
        var authorID: Int64?
        do {
            authorID = try await PostgresWrites.ids(
                of: [input.author],
                in: "authors",
                field: "author",
                connection,
                logger
            )
            .first
        } catch StoreError.missingReferences(let references) {
            missing += references.map { MissingReference(field: $0.field, index: nil, slug: $0.slug) }
        }
        var tagIDs: [Int64] = []
        do {
            tagIDs = try await PostgresWrites.ids(of: input.tags, in: "tags", field: "tags", connection, logger)
        } catch StoreError.missingReferences(let references) {
            missing += references
        }
        guard missing.isEmpty, let authorID else { throw StoreError.missingReferences(missing) }
        return (authorID, tagIDs)
    }

    /// Writes the body of the article `id` (whose row is written first), new or replaced, with
    /// its two search documents (migration 0005) and when the public may see it.
    package static func saveBody(_ body: ArticleText, of id: Int64, _ connection: PGConnection, _ logger: Logger)
        async throws
    {
        try await connection.run(
            """
            INSERT INTO article_bodies (article_id, markdown, plaintext, search, rank_document, visible_from)
            SELECT a.id, v.markdown, v.plaintext, masthead_article_document(a.title, a.excerpt, v.plaintext),
                masthead_rank_document(a.title, a.excerpt, v.plaintext), \(unescaped: PostgresVisibility.visibleFrom())
            FROM articles a, (VALUES (\(body.markdown), \(body.plaintext))) AS v(markdown, plaintext)
            WHERE a.id = \(id)
            ON CONFLICT (article_id) DO UPDATE
            SET markdown = excluded.markdown, plaintext = excluded.plaintext, search = excluded.search,
                rank_document = excluded.rank_document, visible_from = excluded.visible_from
            """,
            logger
        )
    }

    /// A slug an article now uses stops redirecting to whichever article used to have it.
    private static func claim(slug: String, _ connection: PGConnection, _ logger: Logger) async throws {
        try await connection.run("DELETE FROM article_redirects WHERE old_slug = \(slug)", logger)
    }

    /// The article's tags in order, each link carrying when the public may see it.
    private static func setTags(_ tagIDs: [Int64], of id: Int64, _ connection: PGConnection, _ logger: Logger)
        async throws
    {
        try await connection.run("DELETE FROM article_tags WHERE article_id = \(id)", logger)
        try await connection.run(
            """
            INSERT INTO article_tags (article_id, tag_id, position, visible_from)
            SELECT a.id, t.tag_id, t.position - 1, \(unescaped: PostgresVisibility.visibleFrom())
            FROM articles a, unnest(\(tagIDs)::bigint[]) WITH ORDINALITY AS t(tag_id, position)
            WHERE a.id = \(id)
            """,
            logger
        )
    }
}
