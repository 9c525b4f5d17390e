import GRDB

/// Writes of the catalog and the site settings. Links between platforms and services are
/// written from either side: a platform's `services`, a service's `platforms`.
public protocol CatalogWriting: Sendable {
    func createPlatform(_ input: PlatformInput) async throws -> Platform
    func replacePlatform(slug: Slug, with input: PlatformInput, expectedRevision: Int?) async throws -> Platform
    func deletePlatform(slug: Slug, expectedRevision: Int?) async throws
    func createService(_ input: ServiceInput) async throws -> Service
    func replaceService(slug: Slug, with input: ServiceInput, expectedRevision: Int?) async throws -> Service
    func deleteService(slug: Slug, expectedRevision: Int?) async throws
    func replaceSite(with input: SiteInput, expectedRevision: Int?) async throws -> Site
}

extension SQLiteCatalogRepository: CatalogWriting {
    public func createPlatform(_ input: PlatformInput) async throws -> Platform {
        let now = clock.now
        return try await database.write { db in
            let serviceIDs = try Self.ids(of: input.services, in: "services", field: "services", db)
            let slug = try WriteSupport.slug(
                for: input.slug,
                current: nil,
                table: "platforms",
                resource: "platform",
                excludingID: nil,
                db
            )
            var record = PlatformRecord(
                slug: slug,
                name: "",
                focus: "",
                tagline: "",
                description: "",
                position: try input.position ?? Self.nextPosition(in: "platforms", db),
                createdAt: now,
                updatedAt: now
            )
            record.apply(input)
            try record.insert(db)
            try Self.link(platform: record.id!, services: serviceIDs, db)
            return try Self.platforms(db, where: "p.id = \(record.id!)", limit: 1, offset: 0)[0]
        }
    }

    public func replacePlatform(slug: Slug, with input: PlatformInput, expectedRevision: Int?) async throws -> Platform
    {
        let now = clock.now
        return try await database.write { db in
            var record = try PlatformRecord.find(slug: slug, resource: "platform", db)
            try record.prepareReplace(
                slug: input.slug,
                expectedRevision: expectedRevision,
                resource: "platform",
                now: now,
                db
            )
            let serviceIDs = try Self.ids(of: input.services, in: "services", field: "services", db)
            record.apply(input)
            try record.update(db)
            try db.execute(literal: "DELETE FROM platform_services WHERE platform_id = \(record.id!)")
            try Self.link(platform: record.id!, services: serviceIDs, db)
            return try Self.platforms(db, where: "p.id = \(record.id!)", limit: 1, offset: 0)[0]
        }
    }

    public func deletePlatform(slug: Slug, expectedRevision: Int?) async throws {
        try await database.write { db in
            // Its links go with it (ON DELETE CASCADE).
            try PlatformRecord.delete(slug: slug, expectedRevision: expectedRevision, resource: "platform", db)
        }
    }

    public func createService(_ input: ServiceInput) async throws -> Service {
        let now = clock.now
        return try await database.write { db in
            let platformIDs = try Self.ids(of: input.platforms, in: "platforms", field: "platforms", db)
            let slug = try WriteSupport.slug(
                for: input.slug,
                current: nil,
                table: "services",
                resource: "service",
                excludingID: nil,
                db
            )
            var record = ServiceRecord(
                slug: slug,
                title: "",
                subtitle: "",
                description: "",
                position: try input.position ?? Self.nextPosition(in: "services", db),
                createdAt: now,
                updatedAt: now
            )
            record.apply(input)
            try record.insert(db)
            try Self.link(service: record.id!, platforms: platformIDs, db)
            return try Self.services(db, where: "s.id = \(record.id!)", limit: 1, offset: 0)[0]
        }
    }

    public func replaceService(slug: Slug, with input: ServiceInput, expectedRevision: Int?) async throws -> Service {
        let now = clock.now
        return try await database.write { db in
            var record = try ServiceRecord.find(slug: slug, resource: "service", db)
            try record.prepareReplace(
                slug: input.slug,
                expectedRevision: expectedRevision,
                resource: "service",
                now: now,
                db
            )
            let platformIDs = try Self.ids(of: input.platforms, in: "platforms", field: "platforms", db)
            record.apply(input)
            try record.update(db)
            try db.execute(literal: "DELETE FROM platform_services WHERE service_id = \(record.id!)")
            try Self.link(service: record.id!, platforms: platformIDs, db)
            return try Self.services(db, where: "s.id = \(record.id!)", limit: 1, offset: 0)[0]
        }
    }

    public func deleteService(slug: Slug, expectedRevision: Int?) async throws {
        try await database.write { db in
            // Its links go with it (ON DELETE CASCADE).
            try ServiceRecord.delete(slug: slug, expectedRevision: expectedRevision, resource: "service", db)
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
                url: input.url,
                locale: input.locale,
                timezone: input.timezone,
                revision: revision,
                updatedAt: now
            ).update(db)
            return try Self.site(db)
        }
    }

    private static func ids(of slugs: [Slug], in table: String, field: String, _ db: Database) throws -> [Int64] {
        var missing: [MissingReference] = []
        let ids = try WriteSupport.ids(of: slugs, in: table, field: field, listed: true, db, missing: &missing)
        guard missing.isEmpty else { throw RepositoryError.missingReferences(missing) }
        return ids
    }

    private static func nextPosition(in table: String, _ db: Database) throws -> Int {
        try Int.fetchOne(
            db,
            SQLRequest<Int>(literal: "SELECT COALESCE(MAX(position), 0) + 1 FROM \(identifier: table)", cached: true)
        )
            ?? 1
    }

    private static func link(platform: Int64, services: [Int64], _ db: Database) throws {
        for service in services {
            try PlatformServiceRecord(platformId: platform, serviceId: service).insert(db)
        }
    }

    private static func link(service: Int64, platforms: [Int64], _ db: Database) throws {
        for platform in platforms {
            try PlatformServiceRecord(platformId: platform, serviceId: service).insert(db)
        }
    }
}

extension PlatformRecord {
    mutating func apply(_ input: PlatformInput) {
        name = input.name
        focus = input.focus
        tagline = input.tagline
        description = input.description
        url = input.url
        if let position = input.position { self.position = position }
    }
}

extension ServiceRecord {
    mutating func apply(_ input: ServiceInput) {
        title = input.title
        subtitle = input.subtitle
        description = input.description
        if let position = input.position { self.position = position }
    }
}
