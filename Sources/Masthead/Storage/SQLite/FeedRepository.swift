import GRDB

/// One published article's address and last change, for the sitemap.
public struct SitemapEntry: Sendable, Equatable {
    public let slug: String
    public let canonicalURL: String?
    public let updatedAt: Timestamp
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
        let now = clock.now
        return try await database.reader.read { db in
            try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    literal: """
                        SELECT a.slug, a.canonical_url, a.updated_at FROM articles a
                        WHERE \(PublicVisibility.condition(at: now))
                        ORDER BY a.published_at DESC, a.id DESC LIMIT \(limit)
                        """,
                    cached: true
                )
            )
            .map { row in
                SitemapEntry(
                    slug: row["slug"],
                    canonicalURL: row["canonical_url"],
                    updatedAt: try row.decode(forColumn: "updated_at")
                )
            }
        }
    }
}
