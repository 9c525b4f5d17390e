import GRDB

/// The product catalog (platforms and the services they deliver) and the site settings.
public protocol CatalogRepository: Sendable {
    func site() async throws -> Site
    /// Platforms by position, each with its services.
    func platforms(_ page: PageRequest) async throws -> Page<Platform>
    func platform(slug: Slug) async throws -> Platform
    /// Services by position, each with its platforms.
    func services(_ page: PageRequest) async throws -> Page<Service>
    func service(slug: Slug) async throws -> Service
    /// The site, every platform and every service, read in one transaction.
    func catalog() async throws -> Catalog
}

public struct Catalog: Sendable {
    public let site: Site
    public let platforms: [Platform]
    public let services: [Service]
}

public struct SQLiteCatalogRepository: CatalogRepository {
    let database: AppDatabase
    let clock: ContentClock

    public init(database: AppDatabase, clock: ContentClock) {
        self.database = database
        self.clock = clock
    }

    public func site() async throws -> Site {
        try await database.reader.read(Self.site)
    }

    public func platforms(_ page: PageRequest) async throws -> Page<Platform> {
        try await database.reader.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM platforms") ?? 0
            let platforms = try Self.platforms(db, where: "TRUE", limit: page.limit, offset: page.offset)
            return Page(items: platforms, total: total)
        }
    }

    public func platform(slug: Slug) async throws -> Platform {
        try await database.reader.read { db in
            guard let platform = try Self.platforms(db, where: "p.slug = \(slug.value)", limit: 1, offset: 0).first
            else {
                throw RepositoryError.notFound(resource: "platform", slug: slug.value)
            }
            return platform
        }
    }

    public func services(_ page: PageRequest) async throws -> Page<Service> {
        try await database.reader.read { db in
            let total = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM services") ?? 0
            let services = try Self.services(db, where: "TRUE", limit: page.limit, offset: page.offset)
            return Page(items: services, total: total)
        }
    }

    public func service(slug: Slug) async throws -> Service {
        try await database.reader.read { db in
            guard let service = try Self.services(db, where: "s.slug = \(slug.value)", limit: 1, offset: 0).first else {
                throw RepositoryError.notFound(resource: "service", slug: slug.value)
            }
            return service
        }
    }

    public func catalog() async throws -> Catalog {
        try await database.reader.read { db in
            Catalog(
                site: try Self.site(db),
                platforms: try Self.platforms(db, where: "TRUE", limit: -1, offset: 0),
                services: try Self.services(db, where: "TRUE", limit: -1, offset: 0)
            )
        }
    }

    static func site(_ db: Database) throws -> Site {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM site WHERE id = 1") else {
            throw RepositoryError.notFound(resource: "site", slug: "site")
        }
        return Site(
            title: row["title"],
            description: row["description"],
            url: row["url"],
            locale: row["locale"],
            timezone: row["timezone"],
            revision: row["revision"]
        )
    }

    /// `limit` -1 means all, as in SQLite.
    static func platforms(_ db: Database, where filter: SQL, limit: Int, offset: Int) throws -> [Platform] {
        let rows = try Row.fetchAll(
            db,
            SQLRequest<Row>(
                literal: """
                    SELECT * FROM platforms p WHERE \(filter) ORDER BY p.position, p.id LIMIT \(limit) OFFSET \(offset)
                    """,
                cached: true
            )
        )
        var platforms = rows.map { row in
            Platform(
                id: row["id"],
                slug: row["slug"],
                name: row["name"],
                focus: row["focus"],
                tagline: row["tagline"],
                description: row["description"],
                url: row["url"],
                position: row["position"],
                revision: row["revision"],
                services: []
            )
        }
        let ids = platforms.map(\.id)
        let links = try Row.fetchAll(
            db,
            SQLRequest<Row>(
                literal: """
                    SELECT ps.platform_id, s.slug, s.title FROM platform_services ps JOIN services s ON s.id = ps.service_id
                    WHERE ps.platform_id IN \(ids) ORDER BY s.position, s.id
                    """,
                cached: true
            )
        )
        var servicesByPlatform: [Int64: [Platform.ServiceLink]] = [:]
        for row in links {
            servicesByPlatform[row["platform_id"], default: []].append(.init(slug: row["slug"], title: row["title"]))
        }
        for index in platforms.indices {
            platforms[index].services = servicesByPlatform[platforms[index].id] ?? []
        }
        return platforms
    }

    static func services(_ db: Database, where filter: SQL, limit: Int, offset: Int) throws -> [Service] {
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
        let ids = services.map(\.id)
        let links = try Row.fetchAll(
            db,
            SQLRequest<Row>(
                literal: """
                    SELECT ps.service_id, p.slug, p.name FROM platform_services ps JOIN platforms p ON p.id = ps.platform_id
                    WHERE ps.service_id IN \(ids) ORDER BY p.position, p.id
                    """,
                cached: true
            )
        )
        var platformsByService: [Int64: [Service.PlatformLink]] = [:]
        for row in links {
            platformsByService[row["service_id"], default: []].append(.init(slug: row["slug"], name: row["name"]))
        }
        for index in services.indices {
            services[index].platforms = platformsByService[services[index].id] ?? []
        }
        return services
    }
}
