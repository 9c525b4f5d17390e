import Logging
import MastheadDomain
import MastheadStorage
import PostgresNIO

/// Page views on PostgreSQL. Each instance counts in memory and adds its counts here
/// (`ViewCounter`); additions commute, so several instances flushing at once lose nothing.
package struct PostgresViewStore: ViewStore {
    package let engine: PostgresEngine
    package let clock: ContentClock

    package var logger: Logger { engine.logger }

    package func viewable(slug: Slug) async throws -> Int64? {
        let now = clock.now
        return try await engine.client.withConnection { connection in
            try await connection.run(
                """
                \(clock: now)SELECT a.id FROM articles a
                WHERE a.slug = \(slug.value) AND \(unescaped: PostgresVisibility.condition())
                """,
                logger
            ).first { try $0["id"] as Int64 }
        }
    }

    package func storedViews(of articleID: Int64) async throws -> Int {
        try await engine.client.withConnection { connection in
            try await connection.run("SELECT views FROM articles WHERE id = \(articleID)", logger)
                .first { try $0["views"] as Int } ?? 0
        }
    }

    /// One transaction, two statements, whatever the batch holds. An article deleted since
    /// its views were counted simply takes its views with it.
    package func add(_ counts: [ViewCounter.Bucket: Int]) async throws {
        guard !counts.isEmpty else { return }
        let buckets = Array(counts)
        let ids = buckets.map(\.key.articleID)
        let days = buckets.map { Int($0.key.day) }
        let views = buckets.map(\.value)
        let logger = logger
        try await engine.write(announcing: .counts) { connection in
            try await connection.run(
                """
                INSERT INTO article_views_daily (article_id, day, views)
                SELECT v.article_id, DATE '1970-01-01' + v.day, v.views
                FROM unnest(\(ids)::bigint[], \(days)::int[], \(views)::bigint[]) AS v(article_id, day, views)
                JOIN articles a ON a.id = v.article_id
                ON CONFLICT (article_id, day) DO UPDATE SET views = article_views_daily.views + excluded.views
                """,
                logger
            )
            try await connection.run(
                """
                UPDATE articles a SET views = a.views + v.views
                FROM (SELECT article_id, sum(views)::bigint AS views
                      FROM unnest(\(ids)::bigint[], \(views)::bigint[]) AS u(article_id, views) GROUP BY article_id) v
                WHERE a.id = v.article_id
                """,
                logger
            )
        }
    }

    /// Views are counted per UTC day, so a window covers every day it overlaps.
    package func popular(window: PopularWindow, limit: Int) async throws -> [PopularArticle] {
        let now = clock.now
        let logger = logger
        return try await engine.client.withConnection { connection in
            let ranked: SQLFragment =
                if let seconds = window.seconds {
                    """
                    \(clock: now)SELECT a.id, w.views AS views_in_window FROM articles a
                    JOIN (SELECT article_id, sum(views)::bigint AS views FROM article_views_daily
                          WHERE day >= (\(now.adding(seconds: -seconds)) AT TIME ZONE 'UTC')::date
                          GROUP BY article_id) w ON w.article_id = a.id
                    WHERE \(unescaped: PostgresVisibility.condition())
                    ORDER BY w.views DESC, a.published_at DESC, a.id DESC LIMIT \(limit)
                    """
                } else {
                    """
                    \(clock: now)SELECT a.id, a.views AS views_in_window FROM articles a
                    WHERE a.views > 0 AND \(unescaped: PostgresVisibility.condition())
                    ORDER BY a.views DESC, a.published_at DESC, a.id DESC LIMIT \(limit)
                    """
                }
            let rows = try await connection.run(ranked, logger).map {
                (id: try $0["id"] as Int64, views: try $0["views_in_window"] as Int)
            }
            let articles = try await PostgresArticleStore.fetchMany(ids: rows.map(\.id), now: now, connection, logger)
            return zip(rows, articles).map { PopularArticle(article: $1, viewsInWindow: $0.views) }
        }
    }
}
