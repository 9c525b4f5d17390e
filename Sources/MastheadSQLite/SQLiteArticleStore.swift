import GRDB
import MastheadDomain
import MastheadStorage

/// Articles in SQLite: narrow rows in `articles`, bodies in `article_bodies`, tags in
/// `article_tags`, old slugs in `article_redirects`, and the search index kept by triggers.
public struct SQLiteArticleStore: ArticleStore {
    package let database: AppDatabase
    package let clock: ContentClock
    /// How long a full-text read may run.
    package let searchBudget: StatementBudget
    /// How many revisions each article keeps.
    package let revisionsKept: Int

    public init(database: AppDatabase, clock: ContentClock, limits: StoreLimits = StoreLimits()) {
        self.database = database
        self.clock = clock
        self.searchBudget = StatementBudget(limit: limits.searchTimeout)
        self.revisionsKept = limits.revisionsKept
    }

    public func list(_ query: ArticleListQuery) async throws -> ArticlePage {
        let now = clock.now
        if query.search != nil && query.visibility == .published {
            try await SQLiteSearchIndex.prepare(database, at: now)
        }
        return try await database.reader.read { db in
            // A full-text filter is bounded in time; other lists are bounded by their indexes.
            guard query.search != nil else { return try Self.list(query, now: now, db) }
            return try searchBudget.run(db) { try Self.list(query, now: now, db) }
        }
    }

    private static func list(_ query: ArticleListQuery, now: Timestamp, _ db: Database) throws -> ArticlePage {
        // One tag's public timeline is read from the tag's links alone (count and page order
        // from one index); the articles are joined for the page's rows only.
        if let tag = ArticleColumns.timelineTag(of: query) {
            return try list(
                query,
                now: now,
                from: "article_tags at",
                pageFrom: "article_tags at CROSS JOIN articles a ON a.id = at.article_id",
                conditions: [
                    PublicVisibility.taggedCondition(at: now),
                    "at.tag_id = (SELECT id FROM tags WHERE slug = \(tag.value))",
                ],
                time: .tagLinks,
                db
            )
        }
        var conditions = [Self.condition(for: query.visibility, at: now)]
        if !query.tags.isEmpty {
            let slugs = query.tags.map(\.value)
            conditions.append(
                """
                a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id
                         WHERE t.slug IN \(slugs))
                """
            )
        }
        if let author = query.author {
            conditions.append("a.author_id = (SELECT id FROM authors WHERE slug = \(author.value))")
        }
        if let featured = query.featured { conditions.append("a.featured = \(featured)") }

        // The count needs no author: only the page's rows are joined to theirs. A full-text
        // filter starts from the index (ranked by FTS5 itself) and counts up to a bound.
        // Ranked by relevance, the index leads (CROSS JOIN fixes that order) and FTS5 sorts;
        // in another order, the matches are a set the list is filtered by.
        // The public ranks by the index of public text alone (migration 0016); a token's
        // list finds drafts too, in the index of everything.
        var from: SQL = "articles a"
        if let search = query.search {
            let index: SQL = query.visibility == .published ? "public_search_index" : "search_index"
            if query.effectiveSort == nil {
                from = "\(index) hit CROSS JOIN articles a ON a.id = hit.rowid"
                conditions.append("\(index) MATCH \(search.matchExpression) AND hit.rowid > 0")
            } else {
                conditions.append("a.id IN (SELECT rowid FROM \(index) WHERE \(index) MATCH \(search.matchExpression))")
            }
        }
        return try list(
            query,
            now: now,
            from: from,
            pageFrom: from,
            conditions: conditions,
            time: .articles(query.visibility),
            db
        )
    }

    /// The count from `from`, the page from `pageFrom` (which joins `articles a`), ordered by
    /// publication time along `time`.
    private static func list(
        _ query: ArticleListQuery,
        now: Timestamp,
        from: SQL,
        pageFrom: SQL,
        conditions: [SQL],
        time: ArticleColumns.Time,
        _ db: Database
    ) throws -> ArticlePage {
        var conditions = conditions
        if let after = query.publishedAfter { conditions.append("\(sql: time.stored) > \(after)") }
        if let before = query.publishedBefore { conditions.append("\(sql: time.stored) < \(before)") }
        let filter = conditions.joined(separator: " AND ")
        let total =
            query.search != nil
            ? try SearchQuery.boundedCount(from: from, where: filter, db)
            : try Int.fetchOne(
                db,
                SQLRequest<Int>(literal: "SELECT COUNT(*) FROM \(from) WHERE \(filter)", cached: true)
            ) ?? 0

        let sort = query.effectiveSort
        var pageFilter = filter
        var limit = query.limit
        var offset = 0
        switch query.paging {
        case .page(let number):
            offset = (number - 1) * query.limit
            if query.search != nil {
                limit = SearchQuery.reachableLimit(offset: offset, limit: limit)
            }
        case .after(let cursor):
            if let sort {
                let (column, id) =
                    sort.field == .publishedAt
                    ? (time.order, time.id)
                    : (Self.column(for: sort.field, visibility: query.visibility), "a.id")
                let comparison = sort.descending ? "<" : ">"
                pageFilter =
                    "\(filter) AND (\(sql: column), \(sql: id)) \(sql: comparison) (\(cursor.time), \(cursor.id))"
            }
            limit += 1  // one more, to know whether a next page exists
        }
        let order: SQL =
            sort.map { sort in
                guard sort.field == .publishedAt else { return Self.ordering(for: sort, visibility: query.visibility) }
                let direction = sort.descending ? " DESC" : ""
                return "\(sql: time.order + direction), \(sql: time.id + direction)"
            } ?? "hit.rank"
        let rows =
            limit == 0
            ? []
            : try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    literal: """
                        SELECT \(sql: Self.selection(bodies: query.bodies))
                        FROM \(pageFrom) JOIN authors au ON au.id = a.author_id\(sql: Self.bodyJoin(query.bodies))
                        WHERE \(pageFilter) ORDER BY \(order) LIMIT \(limit) OFFSET \(offset)
                        """,
                    cached: true
                )
            )
        var articles = try rows.prefix(query.limit).map { try Self.article(from: $0, now: now, bodies: query.bodies) }
        try Self.attachTags(to: &articles, db)

        let hasMore: Bool =
            switch query.paging {
            case .page: offset + articles.count < total
            case .after: rows.count > query.limit
            }
        var nextCursor: ArticleCursor?
        if hasMore, let sort, sort.field.supportsCursor, let last = articles.last {
            let time = sort.field == .publishedAt ? last.publishedAt ?? last.createdAt : last.updatedAt
            nextCursor = ArticleCursor(sort: sort, time: time, id: last.id)
        }
        return ArticlePage(articles: articles, total: total, nextCursor: nextCursor)
    }

    public func find(slug: Slug, bodies: Set<BodyFormat>, visibility: ArticleVisibility) async throws -> Article {
        let now = clock.now
        return try await database.reader.read { db in
            let filter: SQL = "a.slug = \(slug.value) AND \(Self.condition(for: visibility, at: now))"
            guard let article = try Self.fetchOne(db, where: filter, bodies: bodies, now: now) else {
                throw StoreError.notFound(resource: .article, slug: slug.value)
            }
            return article
        }
    }

    public func currentSlug(forOldSlug slug: Slug, visibility: ArticleVisibility) async throws -> String? {
        let now = clock.now
        return try await database.reader.read { db in
            try String.fetchOne(
                db,
                SQLRequest<String>(
                    literal: """
                        SELECT a.slug FROM article_redirects r JOIN articles a ON a.id = r.article_id
                        WHERE r.old_slug = \(slug.value) AND \(Self.condition(for: visibility, at: now))
                        """,
                    cached: true
                )
            )
        }
    }

    /// One article with its author and tags, or nil.
    package static func fetchOne(_ db: Database, where filter: SQL, bodies: Set<BodyFormat>, now: Timestamp) throws
        -> Article?
    {
        let request = SQLRequest<Row>(
            literal: """
                SELECT \(sql: selection(bodies: bodies))
                FROM articles a JOIN authors au ON au.id = a.author_id\(sql: bodyJoin(bodies))
                WHERE \(filter)
                """,
            cached: true
        )
        guard let row = try Row.fetchOne(db, request) else { return nil }
        var articles = [try article(from: row, now: now, bodies: bodies)]
        try attachTags(to: &articles, db)
        return articles[0]
    }

    package static func condition(for visibility: ArticleVisibility, at now: Timestamp) -> SQL {
        switch visibility {
        case .published: PublicVisibility.condition(at: now)
        case .drafts: "a.status = 'draft'"
        case .scheduled: PublicVisibility.scheduledCondition(at: now)
        case .all: "1"
        }
    }

    /// The columns for `article(from:)`; with bodies, the query joins `bodyJoin(bodies)`.
    package static func selection(bodies: Set<BodyFormat>) -> String { ArticleColumns.selection(bodies: bodies) }
    package static func bodyJoin(_ bodies: Set<BodyFormat>) -> String { ArticleColumns.bodyJoin(bodies) }

    private static func column(for field: ArticleSortField, visibility: ArticleVisibility) -> String {
        ArticleColumns.column(for: field, visibility: visibility) { "\($0) COLLATE NOCASE" }
    }

    private static func ordering(for sort: ArticleSort, visibility: ArticleVisibility) -> SQL {
        "\(sql: ArticleColumns.ordering(for: sort, visibility: visibility) { "\($0) COLLATE NOCASE" })"
    }

    /// The HTML body is rendered here, from the Markdown; the plaintext is inflated.
    package static func article(from row: Row, now: Timestamp, bodies: Set<BodyFormat> = []) throws -> Article {
        let status: String = row["status"]
        let publishedAt: Timestamp? = try row.decode(forColumn: "published_at")
        return Article(
            id: row["id"],
            slug: row["slug"],
            title: row["title"],
            excerpt: row["excerpt"],
            status: ArticleStatus.at(now, storedStatus: status, publishedAt: publishedAt),
            featured: row["featured"],
            publishedAt: publishedAt,
            createdAt: try row.decode(forColumn: "created_at"),
            updatedAt: try row.decode(forColumn: "updated_at"),
            readingTimeMinutes: row["reading_time_minutes"],
            wordCount: row["word_count"],
            views: row["views"],
            details: try ArticleDetails(reading: row.detail),
            customExcerpt: row["custom_excerpt"],
            revision: row["revision"],
            author: AuthorSummary(
                id: row["author_id"],
                slug: row["author_slug"],
                name: row["author_name"],
                avatarURL: row["author_avatar_url"]
            ),
            tags: [],
            bodyHTML: bodies.contains(.html) ? MarkdownRenderer.html(row["body_markdown"]) : nil,
            bodyMarkdown: bodies.contains(.markdown) ? row["body_markdown"] : nil,
            bodyPlaintext: bodies.contains(.plaintext) ? try CompressedText.text(stored: row["body_plaintext"]) : nil
        )
    }

    /// One query for the tags of every article on the page.
    package static func attachTags(to articles: inout [Article], _ db: Database) throws {
        guard !articles.isEmpty else { return }
        let ids = articles.map(\.id)
        let rows = try Row.fetchAll(
            db,
            SQLRequest<Row>(
                literal: """
                    SELECT at.article_id, t.id, t.slug, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id
                    WHERE at.article_id IN \(ids) ORDER BY at.article_id, at.position
                    """,
                cached: true
            )
        )
        var tagsByArticle: [Int64: [TagSummary]] = [:]
        for row in rows {
            tagsByArticle[row["article_id"], default: []].append(
                TagSummary(id: row["id"], slug: row["slug"], name: row["name"])
            )
        }
        for index in articles.indices {
            articles[index].tags = tagsByArticle[articles[index].id] ?? []
        }
    }
}
