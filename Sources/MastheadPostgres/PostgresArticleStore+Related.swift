import Foundation
import Logging
import MastheadDomain
import MastheadStorage
import PostgresNIO

extension PostgresArticleStore {
    /// The same scoring as SQLite's (`RelatedScoring`): shared tags weighted by rarity, a small
    /// bonus for the same author and for recency; too few sharing a tag are filled with the
    /// closest by the words of title and excerpt.
    package func related(to slug: Slug, limit: Int) async throws -> [RelatedArticle] {
        let now = clock.now
        let logger = logger
        return try await engine.client.withConnection { connection in
            let visible = PostgresVisibility.condition()
            let target = try await connection.run(
                """
                \(clock: now)SELECT a.id, a.author_id, a.title, a.excerpt FROM articles a
                WHERE a.slug = \(slug.value) AND \(unescaped: visible)
                """,
                logger
            ).first { row in
                (
                    id: try row["id"] as Int64, author: try row["author_id"] as Int64,
                    words: (try row["title"] as String) + " " + (try row["excerpt"] as String)
                )
            }
            guard let target else { throw StoreError.notFound(resource: .article, slug: slug.value) }
            let published =
                try await connection.run(
                    "\(clock: now)SELECT count(*) AS published FROM articles a WHERE \(unescaped: visible)",
                    logger
                ).first { try $0["published"] as Int } ?? 1
            // Rarity and candidates are counted among public articles only (the tag links'
            // carried visibility): drafts and scheduled articles never move a public score.
            let tags = try await connection.run(
                """
                \(clock: now)SELECT at.tag_id, t.slug,
                    (SELECT count(*) FROM article_tags x
                     WHERE x.tag_id = at.tag_id AND \(unescaped: PostgresVisibility.carriedCondition("x"))) AS articles
                FROM article_tags at JOIN tags t ON t.id = at.tag_id
                WHERE at.article_id = \(target.id) ORDER BY at.position
                """,
                logger
            ).map { row in
                (
                    id: try row["tag_id"] as Int64, slug: try row["slug"] as String,
                    weight: RelatedScoring.weight(published: published, tagged: try row["articles"] as Int)
                )
            }

            var results: [(id: Int64, score: Double, reason: RelatedReason)] = []
            if !tags.isEmpty {
                let rows = try await connection.run(
                    """
                    \(clock: now), weights AS (
                        SELECT * FROM unnest(\(tags.map(\.id))::bigint[], \(tags.map(\.weight))::float8[]) AS w(tag_id, weight)
                    ), candidates AS (
                        SELECT c.article_id, w.tag_id, w.weight FROM weights w CROSS JOIN LATERAL (
                            SELECT x.article_id FROM article_tags x
                            WHERE x.tag_id = w.tag_id AND \(unescaped: PostgresVisibility.carriedCondition("x"))
                            ORDER BY x.visible_from DESC, x.article_id DESC LIMIT \(RelatedScoring.candidatesPerTag)
                        ) c
                    )
                    SELECT a.id, array_agg(c.tag_id) AS shared, a.author_id = \(target.author) AS same_author,
                        sum(c.weight) + \(RelatedScoring.sameAuthorBonus) * (a.author_id = \(target.author))::int
                        + \(RelatedScoring.recencyBonus) / (1.0 + greatest(0.0,
                            extract(epoch FROM (SELECT now FROM clock) - a.published_at) / 86400.0)
                            / \(RelatedScoring.recencyScaleDays)) AS score
                    FROM candidates c JOIN articles a ON a.id = c.article_id
                    WHERE a.id <> \(target.id) AND \(unescaped: visible)
                    GROUP BY a.id ORDER BY score DESC, a.published_at DESC, a.id DESC LIMIT \(limit)
                    """,
                    logger
                ).map { row in
                    (
                        id: try row["id"] as Int64, score: try row["score"] as Double,
                        shared: Set(try row["shared"] as [Int64]), sameAuthor: try row["same_author"] as Bool
                    )
                }
                for row in rows {
                    let reason = RelatedReason(
                        sharedTags: tags.filter { row.shared.contains($0.id) }.map(\.slug),
                        sameAuthor: row.sameAuthor,
                        similarText: false
                    )
                    results.append((row.id, row.score, reason))
                }
            }

            let missing = limit - results.count
            if missing > 0, let words = SearchQuery(anyOf: target.words) {
                let tsquery = PostgresSearch.tsquery(words)
                let excluded = [target.id] + results.map(\.id)
                let rows = try await connection.run(
                    """
                    \(clock: now)SELECT a.id, ts_rank_cd(b.search, \(tsquery)) AS relevance
                    FROM article_bodies b JOIN articles a ON a.id = b.article_id
                    WHERE b.search @@ \(tsquery) AND a.id <> ALL(\(excluded)) AND \(unescaped: visible)
                    ORDER BY relevance DESC, a.id DESC LIMIT \(missing)
                    """,
                    logger
                ).map { (id: try $0["id"] as Int64, relevance: Double(try $0["relevance"] as Float)) }
                for row in rows {
                    let reason = RelatedReason(sharedTags: [], sameAuthor: false, similarText: true)
                    results.append((row.id, RelatedScoring.textScore(relevance: row.relevance), reason))
                }
            }
            let articles = try await Self.fetchMany(ids: results.map(\.id), now: now, connection, logger)
            return zip(results, articles).map { RelatedArticle(article: $1, score: $0.score, reason: $0.reason) }
        }
    }
}
