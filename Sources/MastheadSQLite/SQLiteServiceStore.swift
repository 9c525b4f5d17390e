import GRDB
import MastheadDomain
import MastheadStorage

/// Services in SQLite, each with the platforms that deliver it (`platform_services`).
package struct SQLiteServiceStore: ServiceStore, SQLiteSluggedStore {
    package let database: AppDatabase
    package let clock: ContentClock

    package init(database: AppDatabase, clock: ContentClock) {
        self.database = database
        self.clock = clock
    }

    package static var stored: SluggedKind<ServiceInput, Service> { SluggedKinds.services }

    package func list(_ page: PageRequest) async throws -> Page<Service> {
        try await database.reader.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM services") ?? 0
            return Page(
                items: try Self.services(db, where: "TRUE", limit: page.limit, offset: page.offset),
                total: total
            )
        }
    }

    package static func fetch(_ key: RowKey, now: Timestamp, _ db: Database) throws -> Service? {
        let filter: SQL =
            switch key {
            case .id(let id): "s.id = \(id)"
            case .slug(let slug): "s.slug = \(slug)"
            }
        return try services(db, where: filter, limit: 1, offset: 0).first
    }

    package static func saveLinks(of id: Int64, from input: ServiceInput, replacing: Bool, _ db: Database) throws {
        try CatalogLinks.save(.service(id), to: input.platforms, replacing: replacing, db)
    }

    package static func services(_ db: Database, where filter: SQL, limit: Int, offset: Int) throws -> [Service] {
        let rows = try Row.fetchAll(
            db,
            SQLRequest<Row>(
                literal: """
                    SELECT * FROM services s WHERE \(filter) ORDER BY s.position, s.id LIMIT \(limit) OFFSET \(offset)
                    """,
                cached: true
            )
        )
        var services = try rows.map(stored.read)
        let links = try CatalogLinks.load(for: .services(services.map(\.id)), db)
        for index in services.indices {
            services[index].platforms = links[services[index].id, default: []].map {
                .init(slug: $0.slug, name: $0.label)
            }
        }
        return services
    }
}
