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

    package static var resourceKind: ResourceKind { .service }

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

    package static func newRecord(_ input: ServiceInput, slug: String, now: Timestamp, _ db: Database) throws
        -> ServiceRecord
    {
        var record = ServiceRecord(
            slug: slug,
            title: "",
            subtitle: "",
            description: "",
            position: try input.position ?? CatalogLinks.nextPosition(in: "services", db),
            createdAt: now,
            updatedAt: now
        )
        apply(input, to: &record)
        return record
    }

    package static func apply(_ input: ServiceInput, to record: inout ServiceRecord) {
        record.title = input.title
        record.subtitle = input.subtitle
        record.description = input.description
        if let position = input.position { record.position = position }
    }

    package static func saveLinks(of record: ServiceRecord, from input: ServiceInput, replacing: Bool, _ db: Database)
        throws
    {
        try CatalogLinks.save(.service(record.id!), to: input.platforms, replacing: replacing, db)
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
        var services = rows.map { row in
            Service(
                id: row["id"],
                slug: row["slug"],
                title: row["title"],
                subtitle: row["subtitle"],
                description: row["description"],
                position: row["position"],
                revision: row["revision"],
                platforms: []
            )
        }
        let links = try CatalogLinks.load(for: .services(services.map(\.id)), db)
        for index in services.indices {
            services[index].platforms = links[services[index].id, default: []].map {
                .init(slug: $0.slug, name: $0.label)
            }
        }
        return services
    }
}
