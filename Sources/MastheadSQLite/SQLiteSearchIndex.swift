import GRDB
import MastheadDomain

/// Which articles the full-text index holds: exactly those public now (migration 0016), so
/// that BM25's statistics, and with them every public score and order, are made of public
/// text alone. `articles.searchable` is the flag the index's triggers follow; the stores set
/// it here.
package enum SQLiteSearchIndex {
    /// In a write's transaction: the article `id` enters or leaves the index by whether it is
    /// public at `now`, and every article whose time has come enters.
    package static func update(article id: Int64, at now: Timestamp, _ db: Database) throws {
        let visible = PublicVisibility.condition("articles", at: now)
        try db.execute(
            literal: "UPDATE articles SET searchable = (\(visible)) WHERE id = \(id) AND searchable IS NOT (\(visible))"
        )
        try indexDue(at: now, db)
    }

    /// Every published article whose time has come by `now` and that is not in the index
    /// yet enters it. (The status is spelled in the SQL, not bound, so that the partial index
    /// `articles_awaiting_search` answers.)
    package static func indexDue(at now: Timestamp, _ db: Database) throws {
        try db.execute(
            literal: """
                UPDATE articles SET searchable = 1
                WHERE searchable = 0 AND status = 'published' AND published_at <= \(now)
                """
        )
    }

    /// Before a read that ranks by the index (a search, related articles): articles whose
    /// time came since the last write enter it first. One probe of a partial index when
    /// there are none; a write of its own when there are.
    package static func prepare(_ database: AppDatabase, at now: Timestamp) async throws {
        let due = try await database.reader.read { db in
            try Bool.fetchOne(
                db,
                SQLRequest<Bool>(
                    literal: """
                        SELECT EXISTS (SELECT 1 FROM articles
                                       WHERE searchable = 0 AND status = 'published' AND published_at <= \(now))
                        """,
                    cached: true
                )
            ) ?? false
        }
        if due {
            try await database.write { db in try indexDue(at: now, db) }
        }
    }
}
