import GRDB
import MastheadDomain
import MastheadStorage

package struct SQLiteAuthorStore: AuthorStore, SQLiteSluggedStore {
    package let database: AppDatabase
    package let clock: ContentClock

    package init(database: AppDatabase, clock: ContentClock) {
        self.database = database
        self.clock = clock
    }

    package static var stored: SluggedKind<AuthorInput, Author> { SluggedKinds.authors }

    package func list(_ page: PageRequest) async throws -> Page<Author> {
        let now = clock.now
        return try await database.reader.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM authors") ?? 0
            let rows = try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    literal: """
                        \(Self.select(now: now)) ORDER BY au.name COLLATE NOCASE, au.id
                        LIMIT \(page.limit) OFFSET \(page.offset)
                        """,
                    cached: true
                )
            )
            return Page(items: try rows.map(Self.stored.read), total: total)
        }
    }

    package static func fetch(_ key: RowKey, now: Timestamp, _ db: Database) throws -> Author? {
        let filter: SQL =
            switch key {
            case .id(let id): "au.id = \(id)"
            case .slug(let slug): "au.slug = \(slug)"
            }
        let request = SQLRequest<Row>(literal: "\(select(now: now)) WHERE \(filter)", cached: true)
        return try Row.fetchOne(db, request).map(stored.read)
    }

    /// An author with articles (drafts included) is not deleted: they would lose their byline.
    package static func checkDelete(id: Int64, slug: String, _ db: Database) throws {
        let request = SQLRequest<Int>(
            literal: "SELECT COUNT(*) FROM articles WHERE author_id = \(id)",
            cached: true
        )
        let articles = try Int.fetchOne(db, request) ?? 0
        guard articles == 0 else { throw AuthorRules.hasArticles(slug: slug, count: articles) }
    }

    package static func select(now: Timestamp) -> SQL {
        """
        SELECT au.*, (SELECT COUNT(*) FROM articles a WHERE a.author_id = au.id AND \(PublicVisibility.condition(at: now)))
               AS article_count
        FROM authors au
        """
    }
}
