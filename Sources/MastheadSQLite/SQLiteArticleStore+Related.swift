import Foundation
import GRDB
import MastheadDomain
import MastheadStorage

extension SQLiteArticleStore {

    public func related(to slug: Slug, limit: Int) async throws -> [RelatedArticle] {
        let now = clock.now
        try await SQLiteSearchIndex.prepare(database, at: now)
        return try await database.reader.read { db in
            let visible = PublicVisibility.condition(at: now)
            func tagged(_ alias: String) -> SQL { PublicVisibility.taggedCondition(alias, at: now) }
            guard
                let target = try Row.fetchOne(
                    db,
                    SQLRequest<Row>(
                        literal:
                            "SELECT a.id, a.author_id, a.title, a.excerpt FROM articles a WHERE a.slug = \(slug.value) AND \(visible)",
                        cached: true
                    )
                )
            else { throw StoreError.notFound(resource: .article, slug: slug.value) }
            let targetID: Int64 = target["id"]
            let authorID: Int64 = target["author_id"]

            // The target's tags, each weighted by how rare it is among public articles (an
            // index-only count over the links' `visible_from`), against the published total:
            // drafts and scheduled articles never move a public score.
            let published =
                try Int.fetchOne(
                    db,
                    SQLRequest<Int>(literal: "SELECT COUNT(*) FROM articles a WHERE \(visible)", cached: true)
                ) ?? 1
            let tagRows = try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    literal: """
                        SELECT at.tag_id, t.slug,
                            (SELECT COUNT(*) FROM article_tags x WHERE x.tag_id = at.tag_id AND \(tagged("x"))) AS articles
                        FROM article_tags at JOIN tags t ON t.id = at.tag_id
                        WHERE at.article_id = \(targetID) ORDER BY at.position
                        """,
                    cached: true
                )
            )
            let tags = tagRows.map { row in
                (
                    id: row["tag_id"] as Int64, slug: row["slug"] as String,
                    weight: RelatedScoring.weight(published: published, tagged: row["articles"])
                )
            }

            var results: [(id: Int64, score: Double, reason: RelatedReason)] = []
            if !tags.isEmpty {
                let weightCase = tags.map { tag -> SQL in "WHEN \(tag.id) THEN \(tag.weight)" }.joined(separator: " ")
                // The newest public articles of each shared tag, at most `candidatesPerTag`: every
                // article sharing a rarer tag is considered, and a very common tag cannot make
                // the scoring read half the catalogue.
                let candidates = tags.map { tag -> SQL in
                    """
                    SELECT * FROM (SELECT x.article_id, x.tag_id FROM article_tags x
                                   WHERE x.tag_id = \(tag.id) AND \(tagged("x"))
                                   ORDER BY x.visible_from DESC, x.article_id DESC LIMIT \(RelatedScoring.candidatesPerTag))
                    """
                }.joined(separator: " UNION ALL ")
                let score: SQL = """
                    SUM(CASE at.tag_id \(weightCase) ELSE 0 END)
                    + \(RelatedScoring.sameAuthorBonus) * (a.author_id = \(authorID))
                    + \(RelatedScoring.recencyBonus) / (1.0 + max(0.0, julianday(\(now)) - julianday(a.published_at)) / \(RelatedScoring.recencyScaleDays))
                    """
                let rows = try Row.fetchAll(
                    db,
                    SQLRequest<Row>(
                        literal: """
                            SELECT a.id, \(score) AS score, group_concat(at.tag_id) AS shared, a.author_id = \(authorID) AS same_author
                            FROM (\(candidates)) at JOIN articles a ON a.id = at.article_id
                            WHERE a.id != \(targetID) AND \(visible)
                            GROUP BY a.id ORDER BY score DESC, a.published_at DESC, a.id DESC LIMIT \(limit)
                            """,
                        cached: true
                    )
                )
                for row in rows {
                    let shared = Set(((row["shared"] as String?) ?? "").split(separator: ",").compactMap { Int64($0) })
                    let reason = RelatedReason(
                        sharedTags: tags.filter { shared.contains($0.id) }.map(\.slug),
                        sameAuthor: row["same_author"],
                        similarText: false
                    )
                    results.append((row["id"], row["score"], reason))
                }
            }

            // Too few share a tag: fill with the closest by the words of title and excerpt.
            let missing = limit - results.count
            let title: String = target["title"]
            let excerpt: String = target["excerpt"]
            if missing > 0, let words = SearchQuery(anyOf: title + " " + excerpt) {
                let excluded = [targetID] + results.map(\.id)
                let rows = try Row.fetchAll(
                    db,
                    SQLRequest<Row>(
                        literal: """
                            SELECT s.rowid AS id, s.rank AS rank
                            FROM public_search_index s JOIN articles a ON a.id = s.rowid
                            WHERE public_search_index MATCH \(words.matchExpression) AND s.rowid > 0
                              AND s.rowid NOT IN \(excluded) AND \(visible)
                            ORDER BY s.rank LIMIT \(missing)
                            """,
                        cached: true
                    )
                )
                for row in rows {
                    let relevance = -(row["rank"] as Double)
                    let reason = RelatedReason(sharedTags: [], sameAuthor: false, similarText: true)
                    results.append((row["id"], RelatedScoring.textScore(relevance: relevance), reason))
                }
            }

            let articles = try Self.fetchMany(db, ids: results.map(\.id), now: now)
            return zip(results, articles).map { RelatedArticle(article: $1, score: $0.score, reason: $0.reason) }
        }
    }

    /// Articles by id, in the order given, each with author and tags, without bodies.
    package static func fetchMany(_ db: Database, ids: [Int64], now: Timestamp) throws -> [Article] {
        guard !ids.isEmpty else { return [] }
        let rows = try Row.fetchAll(
            db,
            SQLRequest<Row>(
                literal: """
                    SELECT \(sql: selection(bodies: [])) FROM articles a JOIN authors au ON au.id = a.author_id
                    WHERE a.id IN \(ids)
                    """,
                cached: true
            )
        )
        var articles = try rows.map { try article(from: $0, now: now) }
        try attachTags(to: &articles, db)
        let byID = Dictionary(uniqueKeysWithValues: articles.map { ($0.id, $0) })
        return ids.compactMap { byID[$0] }
    }
}
