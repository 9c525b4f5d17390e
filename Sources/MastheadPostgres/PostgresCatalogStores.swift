import Logging
import MastheadDomain
import MastheadStorage
import PostgresNIO

/// The catalog on PostgreSQL: the site row, and the platform and service stores.
package struct PostgresCatalogStore: CatalogStore {
    package let engine: PostgresEngine
    package let clock: ContentClock
    package let platforms: any PlatformStore
    package let services: any ServiceStore

    package init(engine: PostgresEngine, clock: ContentClock) {
        self.engine = engine
        self.clock = clock
        self.platforms = PostgresPlatformStore(engine: engine, clock: clock)
        self.services = PostgresServiceStore(engine: engine, clock: clock)
    }

    package func site() async throws -> Site {
        let logger = engine.logger
        return try await engine.client.withConnection { try await Self.site($0, logger) }
    }

    package func catalog() async throws -> Catalog {
        let logger = engine.logger
        // One snapshot: the three reads see the same committed state.
        return try await engine.write(announcing: nil) { connection in
            try await connection.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            return Catalog(
                site: try await Self.site(connection, logger),
                platforms: try await PostgresPlatformStore.read(
                    connection,
                    logger,
                    where: nil,
                    limit: nil,
                    offset: 0
                ),
                services: try await PostgresServiceStore.read(connection, logger, where: nil, limit: nil, offset: 0)
            )
        }
    }

    package func replaceSite(with input: SiteInput, expectedRevision: Int?) async throws -> Site {
        let now = clock.now
        let logger = engine.logger
        return try await engine.write(announcing: .content) { connection in
            let current =
                try await connection.query("SELECT revision FROM site WHERE id = 1 FOR UPDATE", logger: logger)
                .first { try $0["revision"] as Int } ?? 1
            let revision = try WriteRevision.next(current: current, expected: expectedRevision)
            try await connection.query(
                """
                UPDATE site SET title = \(input.title), description = \(input.description), tagline = \(input.tagline),
                    url = \(input.url),
                    locale = \(input.locale), timezone = \(input.timezone), revision = \(revision),
                    updated_at = \(now.date)
                WHERE id = 1
                """,
                logger: logger
            )
            try await PostgresOutbox.record(
                [.write(of: .site, slug: nil, kind: .updated)],
                now: now,
                connection,
                logger
            )
            return try await Self.site(connection, logger)
        }
    }

    package static func site(_ connection: PGConnection, _ logger: Logger) async throws -> Site {
        let site = try await connection.query("SELECT * FROM site WHERE id = 1", logger: logger).first { row in
            Site(
                title: try row["title"],
                description: try row["description"],
                tagline: try row["tagline"],
                url: try row["url"],
                locale: try row["locale"],
                timezone: try row["timezone"],
                revision: try row["revision"]
            )
        }
        guard let site else { throw StoreError.notFound(resource: .site, slug: "site") }
        return site
    }
}

/// Platforms on PostgreSQL, each with the services it delivers.
package struct PostgresPlatformStore: PlatformStore, PostgresPositionedStore {
    package let engine: PostgresEngine
    package let clock: ContentClock

    package static var stored: SluggedKind<PlatformInput, Platform> { SluggedKinds.platforms }

    package static func saveLinks(
        of id: Int64,
        from input: PlatformInput,
        replacing: Bool,
        _ connection: PGConnection,
        _ logger: Logger
    ) async throws {
        try await CatalogPositions.link(.platform(id), to: input.services, replacing: replacing, connection, logger)
    }

    /// `limit` nil means all.
    package static func read(
        _ connection: PGConnection,
        _ logger: Logger,
        where key: RowKey?,
        limit: Int?,
        offset: Int
    ) async throws -> [Platform] {
        let rows = try await rows(connection, logger, where: key, limit: limit, offset: offset)
        var platforms = try await rows.map(stored.read)
        let links = try await CatalogPositions.links(of: .platforms(platforms.map(\.id)), connection, logger)
        for index in platforms.indices {
            platforms[index].services = links[platforms[index].id, default: []].map {
                .init(slug: $0.slug, title: $0.label)
            }
        }
        return platforms
    }
}

/// Services on PostgreSQL, each with the platforms that deliver it.
package struct PostgresServiceStore: ServiceStore, PostgresPositionedStore {
    package let engine: PostgresEngine
    package let clock: ContentClock

    package static var stored: SluggedKind<ServiceInput, Service> { SluggedKinds.services }

    package static func saveLinks(
        of id: Int64,
        from input: ServiceInput,
        replacing: Bool,
        _ connection: PGConnection,
        _ logger: Logger
    ) async throws {
        try await CatalogPositions.link(.service(id), to: input.platforms, replacing: replacing, connection, logger)
    }

    /// `limit` nil means all.
    package static func read(
        _ connection: PGConnection,
        _ logger: Logger,
        where key: RowKey?,
        limit: Int?,
        offset: Int
    ) async throws -> [Service] {
        let rows = try await rows(connection, logger, where: key, limit: limit, offset: offset)
        var services = try await rows.map(stored.read)
        let links = try await CatalogPositions.links(of: .services(services.map(\.id)), connection, logger)
        for index in services.indices {
            services[index].platforms = links[services[index].id, default: []].map {
                .init(slug: $0.slug, name: $0.label)
            }
        }
        return services
    }
}

/// Platforms and services: read a page at a time in position order, each with its links.
package protocol PostgresPositionedStore: PostgresSluggedStore, PagedResourceStore {
    /// The resources `key` names, or (with no key) a page of them; `limit` nil means all.
    static func read(_ connection: PGConnection, _ logger: Logger, where key: RowKey?, limit: Int?, offset: Int)
        async throws -> [Resource]
}

extension PostgresPositionedStore {
    package func list(_ page: PageRequest) async throws -> Page<Resource> {
        let logger = logger
        return try await engine.client.withConnection { connection in
            let total =
                try await connection.query("SELECT count(*) AS total FROM \(unescaped: Self.table)", logger: logger)
                .first { try $0["total"] as Int } ?? 0
            let items = try await Self.read(connection, logger, where: nil, limit: page.limit, offset: page.offset)
            return Page(items: items, total: total)
        }
    }

    package static func fetch(_ key: RowKey, now: Timestamp, _ connection: PGConnection, _ logger: Logger) async throws
        -> Resource?
    {
        try await read(connection, logger, where: key, limit: 1, offset: 0).first
    }

    /// The rows `key` names, or a page of rows in position order.
    package static func rows(_ connection: PGConnection, _ logger: Logger, where key: RowKey?, limit: Int?, offset: Int)
        async throws -> PostgresRowSequence
    {
        let select = "SELECT \(stored.selectList(table)) FROM \(table)"
        return switch key {
        case nil:
            try await connection.query(
                "\(unescaped: select) ORDER BY position, id LIMIT \(limit) OFFSET \(offset)",
                logger: logger
            )
        case .id(let id)?:
            try await connection.query("\(unescaped: select) WHERE id = \(id)", logger: logger)
        case .slug(let slug)?:
            try await connection.query("\(unescaped: select) WHERE slug = \(slug)", logger: logger)
        }
    }
}

/// Links of the catalog on PostgreSQL.
package enum CatalogPositions {
    /// What each platform or service is linked to, in the other side's position order.
    package enum Side {
        case platform(Int64)
        case service(Int64)
    }

    /// Links one platform or service to the resources of the other side named by `slugs`;
    /// with `replacing`, its old links go first. Unknown slugs are `StoreError.missingReferences`.
    package static func link(
        _ side: Side,
        to slugs: [Slug],
        replacing: Bool,
        _ connection: PGConnection,
        _ logger: Logger
    ) async throws {
        let (id, column, otherTable) =
            switch side {
            case .platform(let id): (id, "platform_id", "services")
            case .service(let id): (id, "service_id", "platforms")
            }
        let others = try await PostgresWrites.ids(of: slugs, in: otherTable, field: otherTable, connection, logger)
        if replacing {
            try await connection.query(
                "DELETE FROM platform_services WHERE \(unescaped: column) = \(id)",
                logger: logger
            )
        }
        let pairs: SQLFragment =
            switch side {
            case .platform: "SELECT \(id), other FROM unnest(\(others)::bigint[]) AS o(other)"
            case .service: "SELECT other, \(id) FROM unnest(\(others)::bigint[]) AS o(other)"
            }
        try await connection.run("INSERT INTO platform_services (platform_id, service_id) \(pairs)", logger)
    }

    package enum Owners {
        case platforms([Int64])
        case services([Int64])
    }

    package static func links(of lookup: Owners, _ connection: PGConnection, _ logger: Logger) async throws
        -> [Int64: [(slug: String, label: String)]]
    {
        let rows =
            switch lookup {
            case .platforms(let ids):
                try await connection.query(
                    """
                    SELECT ps.platform_id AS owner, s.slug, s.title AS label
                    FROM platform_services ps JOIN services s ON s.id = ps.service_id
                    WHERE ps.platform_id = ANY(\(ids)) ORDER BY s.position, s.id
                    """,
                    logger: logger
                )
            case .services(let ids):
                try await connection.query(
                    """
                    SELECT ps.service_id AS owner, p.slug, p.name AS label
                    FROM platform_services ps JOIN platforms p ON p.id = ps.platform_id
                    WHERE ps.service_id = ANY(\(ids)) ORDER BY p.position, p.id
                    """,
                    logger: logger
                )
            }
        var links: [Int64: [(slug: String, label: String)]] = [:]
        for (owner, slug, label) in try await rows.map({
            (try $0["owner"] as Int64, try $0["slug"] as String, try $0["label"] as String)
        }) {
            links[owner, default: []].append((slug, label))
        }
        return links
    }
}
