import GRDB

/// Reads articles as the public sees them: published, with their time come.
public protocol ArticleRepository: Sendable {
    func list(_ query: ArticleListQuery) async throws -> ArticlePage
    /// Throws `RepositoryError.notFound` when no visible article has that slug.
    func find(slug: Slug, bodies: Set<BodyFormat>) async throws -> Article
}

public struct SQLiteArticleRepository: ArticleRepository {
    let database: AppDatabase
    let clock: ContentClock

    public init(database: AppDatabase, clock: ContentClock) {
        self.database = database
        self.clock = clock
    }

    public func list(_ query: ArticleListQuery) async throws -> ArticlePage {
        let now = clock.now
        return try await database.pool.read { db in
            var conditions = [Self.visible(at: now)]
            if !query.tags.isEmpty {
                let slugs = query.tags.map(\.value)
                conditions.append(
                    """
                    a.id IN (SELECT at.article_id FROM article_tags at JOIN tags t ON t.id = at.tag_id
                             WHERE t.slug IN \(slugs))
                    """
                )
            }
            if let author = query.author { conditions.append("au.slug = \(author.value)") }
            if let featured = query.featured { conditions.append("a.featured = \(featured)") }
            if let after = query.publishedAfter { conditions.append("a.published_at > \(after.rfc3339)") }
            if let before = query.publishedBefore { conditions.append("a.published_at < \(before.rfc3339)") }

            var from: SQL = "articles a JOIN authors au ON au.id = a.author_id"
            if let search = query.search {
                from =
                    """
                    \(from) JOIN (SELECT rowid AS id, bm25(article_search, 10.0, 5.0, 1.0) AS rank
                                  FROM article_search WHERE article_search MATCH \(search.matchExpression)) hit
                            ON hit.id = a.id
                    """
            }
            let filter = conditions.joined(separator: " AND ")
            let total =
                try Int.fetchOne(db, SQLRequest<Int>(literal: "SELECT COUNT(*) FROM \(from) WHERE \(filter)")) ?? 0

            let sort = query.effectiveSort
            var pageFilter = filter
            var limit = query.limit
            var offset = 0
            switch query.paging {
            case .page(let number):
                offset = (number - 1) * query.limit
            case .after(let cursor):
                if let sort {
                    let column = Self.column(for: sort.field)
                    let comparison = sort.descending ? "<" : ">"
                    pageFilter =
                        "\(filter) AND (\(sql: column), a.id) \(sql: comparison) (\(cursor.time), \(cursor.id))"
                }
                limit += 1  // one more, to know whether a next page exists
            }
            let order: SQL = sort.map { Self.ordering(for: $0) } ?? "hit.rank, a.id"
            let rows = try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    literal: """
                        SELECT \(sql: Self.selection(bodies: query.bodies)) FROM \(from)
                        WHERE \(pageFilter) ORDER BY \(order) LIMIT \(limit) OFFSET \(offset)
                        """
                )
            )
            var articles = rows.prefix(query.limit).map { Self.article(from: $0, now: now) }
            try Self.attachTags(to: &articles, db)

            let hasMore: Bool =
                switch query.paging {
                case .page: offset + articles.count < total
                case .after: rows.count > query.limit
                }
            var nextCursor: ArticleCursor?
            if hasMore, let sort, sort.field.supportsCursor, let last = articles.last {
                let time = sort.field == .publishedAt ? last.publishedAt : last.updatedAt
                nextCursor = time.map { ArticleCursor(sort: sort, time: $0, id: last.id) }
            }
            return ArticlePage(articles: articles, total: total, nextCursor: nextCursor)
        }
    }

    public func find(slug: Slug, bodies: Set<BodyFormat>) async throws -> Article {
        let now = clock.now
        return try await database.pool.read { db in
            let request = SQLRequest<Row>(
                literal: """
                    SELECT \(sql: Self.selection(bodies: bodies))
                    FROM articles a JOIN authors au ON au.id = a.author_id
                    WHERE a.slug = \(slug.value) AND \(Self.visible(at: now))
                    """
            )
            guard let row = try Row.fetchOne(db, request) else {
                throw RepositoryError.notFound(resource: "article", slug: slug.value)
            }
            var articles = [Self.article(from: row, now: now)]
            try Self.attachTags(to: &articles, db)
            return articles[0]
        }
    }

    /// Published, and its publication time has come.
    static func visible(at now: Timestamp) -> SQL {
        "a.status = 'published' AND a.published_at <= \(now.rfc3339)"
    }

    private static let summaryColumns = """
        a.id, a.slug, a.title, a.excerpt, a.status, a.featured, a.published_at, a.created_at, a.updated_at,
        a.reading_time_minutes, a.word_count, a.views, a.cover_image_url, a.cover_image_alt, a.seo_title,
        a.seo_description, a.canonical_url,
        au.id AS author_id, au.slug AS author_slug, au.name AS author_name, au.avatar_url AS author_avatar_url
        """

    private static func selection(bodies: Set<BodyFormat>) -> String {
        summaryColumns + (bodies.contains(.html) ? ", a.body_html" : "")
            + (bodies.contains(.markdown) ? ", a.body_markdown" : "")
            + (bodies.contains(.plaintext) ? ", a.body_plaintext" : "")
    }

    private static func column(for field: ArticleSortField) -> String {
        switch field {
        case .publishedAt: "a.published_at"
        case .updatedAt: "a.updated_at"
        case .title: "a.title COLLATE NOCASE"
        case .views: "a.views"
        }
    }

    private static func ordering(for sort: ArticleSort) -> SQL {
        let direction = sort.descending ? " DESC" : ""
        return "\(sql: column(for: sort.field) + direction), \(sql: "a.id" + direction)"
    }

    private static func article(from row: Row, now: Timestamp) -> Article {
        let status: String = row["status"]
        let publishedAt: String? = row["published_at"]
        return Article(
            id: row["id"],
            slug: row["slug"],
            title: row["title"],
            excerpt: row["excerpt"],
            status: ArticleStatus.at(now, storedStatus: status, publishedAt: publishedAt),
            featured: row["featured"],
            publishedAt: publishedAt,
            createdAt: row["created_at"],
            updatedAt: row["updated_at"],
            readingTimeMinutes: row["reading_time_minutes"],
            wordCount: row["word_count"],
            views: row["views"],
            coverImageURL: row["cover_image_url"],
            coverImageAlt: row["cover_image_alt"],
            seoTitle: row["seo_title"],
            seoDescription: row["seo_description"],
            canonicalURL: row["canonical_url"],
            author: AuthorSummary(
                id: row["author_id"],
                slug: row["author_slug"],
                name: row["author_name"],
                avatarURL: row["author_avatar_url"]
            ),
            tags: [],
            bodyHTML: row["body_html"],
            bodyMarkdown: row["body_markdown"],
            bodyPlaintext: row["body_plaintext"]
        )
    }

    /// One query for the tags of every article on the page.
    private static func attachTags(to articles: inout [Article], _ db: Database) throws {
        guard !articles.isEmpty else { return }
        let ids = articles.map(\.id)
        let rows = try Row.fetchAll(
            db,
            SQLRequest<Row>(
                literal: """
                    SELECT at.article_id, t.id, t.slug, t.name FROM article_tags at JOIN tags t ON t.id = at.tag_id
                    WHERE at.article_id IN \(ids) ORDER BY at.article_id, at.position
                    """
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
