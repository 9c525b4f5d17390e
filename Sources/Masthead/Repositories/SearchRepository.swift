import GRDB

/// The kinds of content search covers.
public enum SearchKind: String, Sendable, CaseIterable {
    case article, author, tag, platform, service
}

public struct SearchHit: Sendable, Equatable {
    public let kind: SearchKind
    public let slug: String
    public let title: String
    /// Plain text around the matches; each match is between `SearchHit.markStart` and
    /// `SearchHit.markEnd`, for the HTTP layer to turn into safe HTML.
    public let snippet: String
    /// Higher is better (BM25, sign flipped).
    public let score: Double

    /// Private-use characters that cannot come from the indexed text's meaning.
    public static let markStart = "\u{E000}"
    public static let markEnd = "\u{E001}"
}

public protocol SearchRepository: Sendable {
    /// Ranked hits of the kinds asked for; drafts and scheduled articles are never found.
    func search(_ query: SearchQuery, kinds: Set<SearchKind>, page: PageRequest) async throws -> Page<SearchHit>
}

public struct SQLiteSearchRepository: SearchRepository {
    let database: AppDatabase
    let clock: ContentClock
    /// How long one search may run.
    let budget: StatementBudget

    public init(database: AppDatabase, clock: ContentClock, searchTimeout: Duration = .seconds(2)) {
        self.database = database
        self.clock = clock
        self.budget = StatementBudget(limit: searchTimeout)
    }

    public func search(_ query: SearchQuery, kinds: Set<SearchKind>, page: PageRequest) async throws -> Page<SearchHit>
    {
        let now = clock.now
        let kindNames = kinds.map(\.rawValue).sorted()
        return try await database.pool.read { db in
            try budget.run(db) {
                let filter: SQL = """
                    search_index MATCH \(query.matchExpression) AND s.kind IN \(kindNames)
                    AND (s.kind != 'article' OR (\(PublicVisibility.condition(at: now))))
                    """
                let from: SQL = "search_index s LEFT JOIN articles a ON s.kind = 'article' AND a.id = s.ref_id"
                let total =
                    try Int.fetchOne(db, SQLRequest<Int>(literal: "SELECT COUNT(*) FROM \(from) WHERE \(filter)")) ?? 0
                // Rank every match, but make snippets (which re-read each document) for one page only.
                let rows = try Row.fetchAll(
                    db,
                    SQLRequest<Row>(
                        literal: """
                            WITH top AS MATERIALIZED (
                                SELECT s.rowid AS id, bm25(search_index, 0, 0, 0, 10.0, 5.0, 1.0) AS rank
                                FROM \(from) WHERE \(filter)
                                ORDER BY rank, s.kind, s.ref_id LIMIT \(page.limit) OFFSET \(page.offset)
                            )
                            SELECT s.kind, s.slug, s.title, top.rank,
                                   snippet(search_index, -1, \(SearchHit.markStart), \(SearchHit.markEnd), '…', 16) AS snippet
                            FROM search_index s JOIN top ON s.rowid = top.id
                            WHERE search_index MATCH \(query.matchExpression)
                            ORDER BY top.rank, s.kind, s.ref_id
                            """
                    )
                )
                let hits = rows.map { row in
                    SearchHit(
                        kind: SearchKind(rawValue: row["kind"]) ?? .article,
                        slug: row["slug"],
                        title: row["title"],
                        snippet: row["snippet"] ?? "",
                        score: -(row["rank"] as Double)
                    )
                }
                return Page(items: hits, total: total)
            }
        }
    }
}
