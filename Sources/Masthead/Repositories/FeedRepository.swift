import GRDB

/// One published article's address and last change, for the sitemap.
public struct SitemapEntry: Sendable, Equatable {
    public let slug: String
    public let canonicalURL: String?
    public let updatedAt: String
}

/// What the sitemap lists: every published article, newest first.
public protocol FeedRepository: Sendable {
    func sitemapEntries(limit: Int) async throws -> [SitemapEntry]
}

public struct SQLiteFeedRepository: FeedRepository {
    let database: AppDatabase
    let clock: ContentClock

    public init(database: AppDatabase, clock: ContentClock) {
        self.database = database
        self.clock = clock
    }

    public func sitemapEntries(limit: Int) async throws -> [SitemapEntry] {
        let now = clock.now.rfc3339
        return try await database.pool.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT slug, canonical_url, updated_at FROM articles
                    WHERE status = 'published' AND published_at <= ?
                    ORDER BY published_at DESC, id DESC LIMIT ?
                    """,
                arguments: [now, limit]
            )
            .map { SitemapEntry(slug: $0["slug"], canonicalURL: $0["canonical_url"], updatedAt: $0["updated_at"]) }
        }
    }
}
