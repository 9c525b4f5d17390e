import GRDB

public enum TagSort: String, Sendable, CaseIterable {
    case name
    case mostArticles = "-article_count"
}

public protocol TagRepository: Sendable {
    func list(_ page: PageRequest, sort: TagSort) async throws -> Page<Tag>
    func find(slug: Slug) async throws -> Tag
}

public struct SQLiteTagRepository: TagRepository {
    let database: AppDatabase
    let clock: ContentClock

    public init(database: AppDatabase, clock: ContentClock) {
        self.database = database
        self.clock = clock
    }

    public func list(_ page: PageRequest, sort: TagSort) async throws -> Page<Tag> {
        let now = clock.now
        return try await database.reader.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tags") ?? 0
            let order: SQL =
                switch sort {
                case .name: "t.name COLLATE NOCASE, t.id"
                case .mostArticles: "article_count DESC, t.name COLLATE NOCASE, t.id"
                }
            let rows = try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    literal: "\(Self.select(now: now)) ORDER BY \(order) LIMIT \(page.limit) OFFSET \(page.offset)",
                    cached: true
                )
            )
            return Page(items: rows.map(Self.tag), total: total)
        }
    }

    public func find(slug: Slug) async throws -> Tag {
        let now = clock.now
        return try await database.reader.read { db in
            let request = SQLRequest<Row>(
                literal: "\(Self.select(now: now)) WHERE t.slug = \(slug.value)",
                cached: true
            )
            guard let row = try Row.fetchOne(db, request) else {
                throw RepositoryError.notFound(resource: "tag", slug: slug.value)
            }
            return Self.tag(from: row)
        }
    }

    static func select(now: Timestamp) -> SQL {
        """
        SELECT t.id, t.slug, t.name, t.description, t.revision,
               (SELECT COUNT(*) FROM article_tags at JOIN articles a ON a.id = at.article_id
                WHERE at.tag_id = t.id AND \(PublicVisibility.condition(at: now))) AS article_count
        FROM tags t
        """
    }

    static func tag(from row: Row) -> Tag {
        Tag(
            id: row["id"],
            slug: row["slug"],
            name: row["name"],
            description: row["description"],
            articleCount: row["article_count"],
            revision: row["revision"]
        )
    }
}
