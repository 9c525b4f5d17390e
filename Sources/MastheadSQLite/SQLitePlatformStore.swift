import GRDB
import MastheadDomain
import MastheadStorage

/// Platforms in SQLite, each with the services it delivers (`platform_services`).
package struct SQLitePlatformStore: PlatformStore, SQLiteSluggedStore {
    package let database: AppDatabase
    package let clock: ContentClock

    package init(database: AppDatabase, clock: ContentClock) {
        self.database = database
        self.clock = clock
    }

    package static var stored: SluggedKind<PlatformInput, Platform> { SluggedKinds.platforms }

    package func list(_ page: PageRequest) async throws -> Page<Platform> {
        try await database.reader.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM platforms") ?? 0
            return Page(
                items: try Self.platforms(db, where: "TRUE", limit: page.limit, offset: page.offset),
                total: total
            )
        }
    }

    package static func fetch(_ key: RowKey, now: Timestamp, _ db: Database) throws -> Platform? {
        let filter: SQL =
            switch key {
            case .id(let id): "p.id = \(id)"
            case .slug(let slug): "p.slug = \(slug)"
            }
        return try platforms(db, where: filter, limit: 1, offset: 0).first
    }

    package static func saveLinks(of id: Int64, from input: PlatformInput, replacing: Bool, _ db: Database) throws {
        try CatalogLinks.save(.platform(id), to: input.services, replacing: replacing, db)
    }

    /// `limit` -1 means all, as in SQLite.
    package static func platforms(_ db: Database, where filter: SQL, limit: Int, offset: Int) throws -> [Platform] {
        let rows = try Row.fetchAll(
            db,
            SQLRequest<Row>(
                literal: """
                    SELECT * FROM platforms p WHERE \(filter) ORDER BY p.position, p.id LIMIT \(limit) OFFSET \(offset)
                    """,
                cached: true
            )
        )
        var platforms = try rows.map(stored.read)
        let links = try CatalogLinks.load(for: .platforms(platforms.map(\.id)), db)
        for index in platforms.indices {
            platforms[index].services = links[platforms[index].id, default: []].map {
                .init(slug: $0.slug, title: $0.label)
            }
        }
        return platforms
    }

}
