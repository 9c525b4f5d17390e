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

    package static var resourceKind: ResourceKind { .author }

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
            return Page(items: try rows.map(Self.author), total: total)
        }
    }

    package static func fetch(_ key: RowKey, now: Timestamp, _ db: Database) throws -> Author? {
        let filter: SQL =
            switch key {
            case .id(let id): "au.id = \(id)"
            case .slug(let slug): "au.slug = \(slug)"
            }
        let request = SQLRequest<Row>(literal: "\(select(now: now)) WHERE \(filter)", cached: true)
        return try Row.fetchOne(db, request).map(author)
    }

    package static func newRecord(_ input: AuthorInput, slug: String, now: Timestamp, _ db: Database) -> AuthorRecord {
        var record = AuthorRecord(slug: slug, name: "", createdAt: now, updatedAt: now)
        apply(input, to: &record)
        return record
    }

    package static func apply(_ input: AuthorInput, to record: inout AuthorRecord) {
        record.name = input.name
        record.bio = input.bio
        record.avatarUrl = input.avatarURL
        record.websiteUrl = input.websiteURL
        record.location = input.location
    }

    /// An author with articles (drafts included) is not deleted: they would lose their byline.
    package static func checkDelete(_ record: AuthorRecord, _ db: Database) throws {
        let request = SQLRequest<Int>(
            literal: "SELECT COUNT(*) FROM articles WHERE author_id = \(record.id!)",
            cached: true
        )
        let articles = try Int.fetchOne(db, request) ?? 0
        guard articles == 0 else { throw AuthorRules.hasArticles(slug: record.slug, count: articles) }
    }

    package static func select(now: Timestamp) -> SQL {
        """
        SELECT au.*, (SELECT COUNT(*) FROM articles a WHERE a.author_id = au.id AND \(PublicVisibility.condition(at: now)))
               AS article_count
        FROM authors au
        """
    }

    package static func author(from row: Row) throws -> Author {
        Author(
            id: row["id"],
            slug: row["slug"],
            name: row["name"],
            bio: row["bio"],
            avatarURL: row["avatar_url"],
            websiteURL: row["website_url"],
            location: row["location"],
            articleCount: row["article_count"],
            revision: row["revision"],
            createdAt: try row.decode(forColumn: "created_at"),
            updatedAt: try row.decode(forColumn: "updated_at")
        )
    }
}
