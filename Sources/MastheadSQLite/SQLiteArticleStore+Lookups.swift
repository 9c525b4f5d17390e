import GRDB
import MastheadDomain
import MastheadStorage

extension SQLiteArticleStore {
    public func nextPublication(after now: Timestamp) async throws -> Timestamp? {
        try await database.reader.read { db in
            try Timestamp.fetchOne(
                db,
                SQLRequest<Timestamp>(
                    literal:
                        "SELECT MIN(a.published_at) FROM articles a WHERE \(PublicVisibility.scheduledCondition(at: now))",
                    cached: true
                )
            )
        }
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

    public func existing(among slugs: [Slug]) async throws -> Set<String> {
        try await database.reader.read { db in try WriteSupport.existing(slugs, in: "articles", db) }
    }
}
