import GRDB

public protocol AuthorRepository: Sendable {
    /// Authors by name.
    func list(_ page: PageRequest) async throws -> Page<Author>
    func find(slug: Slug) async throws -> Author
}

public struct SQLiteAuthorRepository: AuthorRepository {
    let database: AppDatabase
    let clock: ContentClock

    public init(database: AppDatabase, clock: ContentClock) {
        self.database = database
        self.clock = clock
    }

    public func list(_ page: PageRequest) async throws -> Page<Author> {
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

    public func find(slug: Slug) async throws -> Author {
        let now = clock.now
        return try await database.reader.read { db in
            let request = SQLRequest<Row>(
                literal: "\(Self.select(now: now)) WHERE au.slug = \(slug.value)",
                cached: true
            )
            guard let row = try Row.fetchOne(db, request) else {
                throw RepositoryError.notFound(resource: "author", slug: slug.value)
            }
            return try Self.author(from: row)
        }
    }

    static func select(now: Timestamp) -> SQL {
        """
        SELECT au.*, (SELECT COUNT(*) FROM articles a WHERE a.author_id = au.id AND \(PublicVisibility.condition(at: now)))
               AS article_count
        FROM authors au
        """
    }

    static func author(from row: Row) throws -> Author {
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
