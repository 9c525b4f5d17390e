import GRDB
import MastheadDomain
import MastheadStorage

public struct SQLiteSearchStore: SearchStore {
    package let database: AppDatabase
    package let clock: ContentClock
    /// How long one search may run.
    package let budget: StatementBudget

    public init(database: AppDatabase, clock: ContentClock, searchTimeout: Duration = .seconds(2)) {
        self.database = database
        self.clock = clock
        self.budget = StatementBudget(limit: searchTimeout)
    }

    public func search(_ query: SearchQuery, kinds: Set<SearchKind>, page: PageRequest) async throws -> Page<SearchHit>
    {
        let now = clock.now
        try await SQLiteSearchIndex.prepare(database, at: now)
        return try await database.reader.read { db in
            try budget.run(db) {
                // Kinds and visibility are read from the doc id and the narrow article row:
                // no text is read until the page's snippets.
                let from: SQL = "public_search_index s LEFT JOIN articles a ON s.rowid > 0 AND a.id = s.rowid"
                let filter: SQL = """
                    public_search_index MATCH \(query.matchExpression) AND \(SearchDocument.filter(kinds: kinds))
                    AND (s.rowid < 0 OR (\(PublicVisibility.condition(at: now))))
                    """
                let total = try SearchQuery.boundedCount(from: from, where: filter, db)
                let limit = SearchQuery.reachableLimit(offset: page.offset, limit: page.limit)
                guard limit > 0 else { return Page(items: [], total: total) }
                // `ORDER BY s.rank` alone lets FTS5 rank every match and hand over the best in
                // order; snippets (which re-read a document) are made for the rows returned.
                let rows = try Row.fetchAll(
                    db,
                    SQLRequest<Row>(
                        literal: """
                            SELECT s.rowid AS doc, s.rank AS rank,
                                   snippet(public_search_index, -1, \(SearchHit.markStart), \(SearchHit.markEnd), '…', 16) AS snippet
                            FROM \(from) WHERE \(filter)
                            ORDER BY s.rank LIMIT \(limit) OFFSET \(page.offset)
                            """,
                        cached: true
                    )
                )
                let documents = try SearchDocument.fetchNames(of: rows.map { $0["doc"] }, db)
                let hits = rows.compactMap { row -> SearchHit? in
                    let doc: Int64 = row["doc"]
                    guard let document = documents[doc] else { return nil }
                    return SearchHit(
                        kind: document.kind,
                        slug: document.slug,
                        title: document.title,
                        snippet: row["snippet"] ?? "",
                        score: -(row["rank"] as Double)
                    )
                }
                return Page(items: hits, total: total)
            }
        }
    }
}

/// A document of `search_index` (migration 0010): an article's doc id is its id; the other
/// kinds are -(id * 4 + k). Kinds are filtered and names found from the doc id alone.
package enum SearchDocument {
    /// The kinds that are not articles, each at its k of -(id * 4 + k).
    private static let negativeKinds: [SearchKind] = [.author, .tag, .platform, .service]

    /// Each kind's table and the column that is its title.
    private static let tables: [SearchKind: (table: String, title: String)] = [
        .article: ("articles", "title"), .author: ("authors", "name"), .tag: ("tags", "name"),
        .platform: ("platforms", "name"), .service: ("services", "title"),
    ]

    package static func docID(kind: SearchKind, id: Int64) -> Int64 {
        guard let code = negativeKinds.firstIndex(of: kind) else { return id }
        return -(id * 4 + Int64(code))
    }

    package static func kindAndID(of doc: Int64) -> (kind: SearchKind, id: Int64) {
        guard doc < 0 else { return (.article, doc) }
        return (negativeKinds[Int(-doc % 4)], -doc / 4)
    }

    /// True for the documents of `kinds`, on `public_search_index` as `s`.
    package static func filter(kinds: Set<SearchKind>) -> SQL {
        guard kinds.count < SearchKind.allCases.count else { return "1" }
        let conditions: [SQL] = SearchKind.allCases.filter(kinds.contains).map { kind in
            guard let code = negativeKinds.firstIndex(of: kind) else { return "s.rowid > 0" }
            return "(s.rowid < 0 AND -s.rowid % 4 = \(code))"
        }
        return conditions.isEmpty ? "0" : "(\(conditions.joined(separator: " OR ")))"
    }

    /// Kind, slug and title of each doc id, from the content tables (a query per kind present).
    package static func fetchNames(of docs: [Int64], _ db: Database) throws -> [Int64: (
        kind: SearchKind, slug: String, title: String
    )] {
        var names: [Int64: (kind: SearchKind, slug: String, title: String)] = [:]
        let byKind = Dictionary(grouping: docs.map(kindAndID), by: \.kind)
        for (kind, members) in byKind {
            let (table, title) = tables[kind]!
            let rows = try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    literal: """
                        SELECT id, slug, \(sql: title) AS title FROM \(sql: table) WHERE id IN \(members.map(\.id))
                        """,
                    cached: true
                )
            )
            for row in rows {
                names[docID(kind: kind, id: row["id"])] = (kind, row["slug"], row["title"])
            }
        }
        return names
    }
}

extension SearchQuery {
    /// Matches of a search counted up to `reachableMatches`.
    package static func boundedCount(from: SQL, where filter: SQL, _ db: Database) throws -> Int {
        let counted = try Int.fetchOne(
            db,
            SQLRequest<Int>(
                literal: "SELECT count(*) FROM (SELECT 1 FROM \(from) WHERE \(filter) LIMIT \(reachableMatches + 1))",
                cached: true
            )
        )
        return min(counted ?? 0, reachableMatches)
    }
}
