import GRDB
import MastheadDomain
import MastheadStorage

/// Tags. Deleting one removes it from every article that had it (ON DELETE CASCADE).
package struct SQLiteTagStore: TagStore, SQLiteSluggedStore {
    package let database: AppDatabase
    package let clock: ContentClock

    package init(database: AppDatabase, clock: ContentClock) {
        self.database = database
        self.clock = clock
    }

    package static var stored: SluggedKind<TagInput, Tag> { SluggedKinds.tags }

    package func list(_ page: PageRequest, sort: TagSort) async throws -> Page<Tag> {
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
            return Page(items: try rows.map(Self.stored.read), total: total)
        }
    }

    package static func fetch(_ key: RowKey, now: Timestamp, _ db: Database) throws -> Tag? {
        let filter: SQL =
            switch key {
            case .id(let id): "t.id = \(id)"
            case .slug(let slug): "t.slug = \(slug)"
            }
        let request = SQLRequest<Row>(literal: "\(select(now: now)) WHERE \(filter)", cached: true)
        return try Row.fetchOne(db, request).map(stored.read)
    }

    package static func select(now: Timestamp) -> SQL {
        """
        SELECT t.*,
               (SELECT COUNT(*) FROM article_tags at JOIN articles a ON a.id = at.article_id
                WHERE at.tag_id = t.id AND \(PublicVisibility.condition(at: now))) AS article_count
        FROM tags t
        """
    }
}
