import GRDB

/// The database side of view counting.
public protocol ViewRepository: ViewStore {
    /// The id of the article with `slug`, if the public can see it.
    func viewable(slug: Slug) async throws -> Int64?
    func storedViews(of articleID: Int64) async throws -> Int
}

public struct SQLiteViewRepository: ViewRepository {
    let database: AppDatabase
    let clock: ContentClock

    public init(database: AppDatabase, clock: ContentClock) {
        self.database = database
        self.clock = clock
    }

    public func viewable(slug: Slug) async throws -> Int64? {
        let now = clock.now
        return try await database.reader.read { db in
            try Int64.fetchOne(
                db,
                SQLRequest<Int64>(
                    literal: """
                        SELECT a.id FROM articles a
                        WHERE a.slug = \(slug.value) AND \(PublicVisibility.condition(at: now))
                        """,
                    cached: true
                )
            )
        }
    }

    public func storedViews(of articleID: Int64) async throws -> Int {
        try await database.reader.read { db in
            try Int.fetchOne(
                db,
                SQLRequest<Int>(literal: "SELECT views FROM articles WHERE id = \(articleID)", cached: true)
            )
                ?? 0
        }
    }

    /// One transaction for the whole batch. An article deleted since its views were counted
    /// simply takes its views with it.
    public func add(_ counts: [ViewCounter.Bucket: Int]) async throws {
        try await database.write { db in
            var totals: [Int64: Int] = [:]
            for (bucket, count) in counts {
                totals[bucket.articleID, default: 0] += count
                let day = Timestamp(secondsSinceEpoch: bucket.day * 86_400).rfc3339.prefix(10)
                try db.execute(
                    literal: """
                        INSERT INTO article_views_daily (article_id, day, views)
                        SELECT id, \(String(day)), \(count) FROM articles WHERE id = \(bucket.articleID)
                        ON CONFLICT (article_id, day) DO UPDATE SET views = views + excluded.views
                        """
                )
            }
            for (articleID, count) in totals {
                try db.execute(literal: "UPDATE articles SET views = views + \(count) WHERE id = \(articleID)")
            }
        }
    }
}
