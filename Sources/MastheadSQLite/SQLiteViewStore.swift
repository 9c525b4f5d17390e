import GRDB
import MastheadDomain
import MastheadStorage

public struct SQLiteViewStore: ViewStore {
    package let database: AppDatabase
    package let clock: ContentClock

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

    public func popular(window: PopularWindow, limit: Int) async throws -> [PopularArticle] {
        let now = clock.now
        return try await database.reader.read { db in
            let ranked: SQLRequest<Row>
            if let seconds = window.seconds {
                let firstDay = String(now.adding(seconds: -seconds).rfc3339.prefix(10))
                ranked = """
                    SELECT a.id, w.views AS views_in_window FROM articles a
                    JOIN (SELECT article_id, SUM(views) AS views FROM article_views_daily WHERE day >= \(firstDay)
                          GROUP BY article_id) w ON w.article_id = a.id
                    WHERE \(PublicVisibility.condition(at: now))
                    ORDER BY w.views DESC, a.published_at DESC, a.id DESC LIMIT \(limit)
                    """
            } else {
                ranked = """
                    SELECT a.id, a.views AS views_in_window FROM articles a
                    WHERE a.views > 0 AND \(PublicVisibility.condition(at: now))
                    ORDER BY a.views DESC, a.published_at DESC, a.id DESC LIMIT \(limit)
                    """
            }
            let rows = try Row.fetchAll(db, ranked)
            let articles = try SQLiteArticleStore.fetchMany(db, ids: rows.map { $0["id"] }, now: now)
            return zip(rows, articles).map { PopularArticle(article: $1, viewsInWindow: $0["views_in_window"]) }
        }
    }
}
