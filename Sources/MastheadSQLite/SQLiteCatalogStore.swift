import GRDB
import MastheadDomain
import MastheadStorage

/// The catalog in SQLite: the site row, and the platform and service stores.
public struct SQLiteCatalogStore: CatalogStore {
    package let database: AppDatabase
    package let clock: ContentClock
    public let platforms: any PlatformStore
    public let services: any ServiceStore

    public init(database: AppDatabase, clock: ContentClock) {
        self.database = database
        self.clock = clock
        self.platforms = SQLitePlatformStore(database: database, clock: clock)
        self.services = SQLiteServiceStore(database: database, clock: clock)
    }

    public func site() async throws -> Site {
        try await database.reader.read(Self.site)
    }

    public func catalog() async throws -> Catalog {
        try await database.reader.read { db in
            Catalog(
                site: try Self.site(db),
                platforms: try SQLitePlatformStore.platforms(db, where: "TRUE", limit: -1, offset: 0),
                services: try SQLiteServiceStore.services(db, where: "TRUE", limit: -1, offset: 0)
            )
        }
    }

    public func replaceSite(with input: SiteInput, expectedRevision: Int?) async throws -> Site {
        let now = clock.now
        return try await database.write { db in
            let current = try Self.site(db)
            let revision = try WriteSupport.nextRevision(current: current.revision, expected: expectedRevision)
            try SiteRecord(
                title: input.title,
                description: input.description,
                tagline: input.tagline,
                url: input.url,
                locale: input.locale,
                timezone: input.timezone,
                revision: revision,
                updatedAt: now
            ).update(db)
            try SQLiteOutbox.record([.write(of: .site, slug: nil, kind: .updated)], now: now, db)
            return try Self.site(db)
        }
    }

    package static func site(_ db: Database) throws -> Site {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM site WHERE id = 1") else {
            throw StoreError.notFound(resource: .site, slug: "site")
        }
        return Site(
            title: row["title"],
            description: row["description"],
            tagline: row["tagline"],
            url: row["url"],
            locale: row["locale"],
            timezone: row["timezone"],
            revision: row["revision"]
        )
    }
}

/// The links between platforms and services, written from either side: a platform's
/// `services`, a service's `platforms`.
package enum CatalogLinks {
    package enum Side {
        case platform(Int64)
        case service(Int64)
    }

    /// Links `side` to the resources of the other side named by `slugs`, in one go; with
    /// `replacing`, its old links go first. Unknown slugs are `StoreError.missingReferences`.
    package static func save(_ side: Side, to slugs: [Slug], replacing: Bool, _ db: Database) throws {
        let (id, column, otherTable): (Int64, String, String) =
            switch side {
            case .platform(let id): (id, "platform_id", "services")
            case .service(let id): (id, "service_id", "platforms")
            }
        var missing: [MissingReference] = []
        let others = try WriteSupport.ids(
            of: slugs,
            in: otherTable,
            field: otherTable,
            listed: true,
            db,
            missing: &missing
        )
        guard missing.isEmpty else { throw StoreError.missingReferences(missing) }
        if replacing {
            try db.execute(literal: "DELETE FROM platform_services WHERE \(identifier: column) = \(id)")
        }
        for other in others {
            let link =
                switch side {
                case .platform: PlatformServiceRecord(platformId: id, serviceId: other)
                case .service: PlatformServiceRecord(platformId: other, serviceId: id)
                }
            try link.insert(db)
        }
    }

    /// What each platform or service is linked to, in the other side's position order, as
    /// (slug, name or title) by the id asked about.
    package enum Lookup {
        case platforms([Int64])
        case services([Int64])
    }

    package static func load(for lookup: Lookup, _ db: Database) throws -> [Int64: [(slug: String, label: String)]] {
        let sql: SQL =
            switch lookup {
            case .platforms(let ids):
                """
                SELECT ps.platform_id AS owner, s.slug, s.title AS label
                FROM platform_services ps JOIN services s ON s.id = ps.service_id
                WHERE ps.platform_id IN \(ids) ORDER BY s.position, s.id
                """
            case .services(let ids):
                """
                SELECT ps.service_id AS owner, p.slug, p.name AS label
                FROM platform_services ps JOIN platforms p ON p.id = ps.platform_id
                WHERE ps.service_id IN \(ids) ORDER BY p.position, p.id
                """
            }
        var links: [Int64: [(slug: String, label: String)]] = [:]
        for row in try Row.fetchAll(db, SQLRequest<Row>(literal: sql, cached: true)) {
            links[row["owner"], default: []].append((row["slug"], row["label"]))
        }
        return links
    }
}
