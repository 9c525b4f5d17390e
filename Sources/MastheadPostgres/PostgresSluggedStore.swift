import Logging
import MastheadDomain
import MastheadStorage
import PostgresNIO

/// What the PostgreSQL stores of authors, tags, platforms and services share, as
/// `SQLiteSluggedStore` does on SQLite: one row per resource, found by slug, created with a
/// free slug, replaced and deleted under a revision check, each in one transaction (the row
/// locked while it is checked). The row's columns come from the kind's description
/// (`SluggedKind`, shared with SQLite).
package protocol PostgresSluggedStore: ResourceStore where Input: SluggedInput {
    var engine: PostgresEngine { get }
    var clock: ContentClock { get }
    /// The kind's description: its table, the columns its input writes, its resource.
    static var stored: SluggedKind<Input, Resource> { get }

    /// Writes what lives beside the row (links to other resources) once it is saved.
    static func saveLinks(
        of id: Int64,
        from input: Input,
        replacing: Bool,
        _ connection: PGConnection,
        _ logger: Logger
    )
        async throws
    /// Refuses a delete that would break a rule of the data.
    static func checkDelete(id: Int64, slug: String, _ connection: PGConnection, _ logger: Logger) async throws
    /// The resource as the API serves it.
    static func fetch(_ key: RowKey, now: Timestamp, _ connection: PGConnection, _ logger: Logger) async throws
        -> Resource?
}

extension PostgresSluggedStore {
    /// The kind it holds, as messages, events and ETags name it.
    package static var resourceKind: ResourceKind { stored.kind }
    /// The table, one of ours.
    package static var table: String { stored.table }

    package static func saveLinks(
        of id: Int64,
        from input: Input,
        replacing: Bool,
        _ connection: PGConnection,
        _ logger: Logger
    )
        async throws
    {}

    package static func checkDelete(id: Int64, slug: String, _ connection: PGConnection, _ logger: Logger) async throws
    {}

    package var logger: Logger { engine.logger }

    package func find(slug: Slug) async throws -> Resource {
        let now = clock.now
        let logger = logger
        return try await engine.client.withConnection { connection in
            guard let resource = try await Self.fetch(.slug(slug.value), now: now, connection, logger) else {
                throw StoreError.notFound(resource: Self.resourceKind, slug: slug.value)
            }
            return resource
        }
    }

    package func create(_ input: Input, by actor: TokenInfo?) async throws -> Resource {
        let now = clock.now
        let logger = logger
        return try await engine.write(announcing: .content) { connection in
            let slug = try await PostgresWrites.slug(
                for: input.slug,
                current: nil,
                table: Self.table,
                resource: Self.resourceKind,
                excludingID: nil,
                connection,
                logger
            )
            let id = try await Self.stored.insert(input, slug: slug, createdAt: now, updatedAt: now, connection, logger)
            try await Self.saveLinks(of: id, from: input, replacing: false, connection, logger)
            try await PostgresOutbox.record(
                [.write(of: Self.resourceKind, slug: slug, kind: .created)],
                now: now,
                connection,
                logger
            )
            return try await Self.fetch(.id(id), now: now, connection, logger)!
        }
    }

    package func replace(
        slug: Slug,
        with input: Input,
        expectedRevision: Int?,
        by actor: TokenInfo?
    ) async throws -> Resource {
        let now = clock.now
        let logger = logger
        return try await engine.write(announcing: .content) { connection in
            let current = try await PostgresWrites.lock(
                slug,
                in: Self.table,
                resource: Self.resourceKind,
                connection,
                logger
            )
            let revision = try WriteRevision.next(current: current.revision, expected: expectedRevision)
            let newSlug = try await PostgresWrites.slug(
                for: input.slug,
                current: current.slug,
                table: Self.table,
                resource: Self.resourceKind,
                excludingID: current.id,
                connection,
                logger
            )
            try await Self.stored.update(
                id: current.id,
                with: input,
                slug: newSlug,
                revision: revision,
                updatedAt: now,
                connection,
                logger
            )
            try await Self.saveLinks(of: current.id, from: input, replacing: true, connection, logger)
            try await PostgresOutbox.record(
                [.write(of: Self.resourceKind, slug: newSlug, previousSlug: current.slug, kind: .updated)],
                now: now,
                connection,
                logger
            )
            return try await Self.fetch(.id(current.id), now: now, connection, logger)!
        }
    }

    package func delete(slug: Slug, expectedRevision: Int?, by actor: TokenInfo?) async throws {
        let now = clock.now
        let logger = logger
        try await engine.write(announcing: .content) { connection in
            let current = try await PostgresWrites.lock(
                slug,
                in: Self.table,
                resource: Self.resourceKind,
                connection,
                logger
            )
            _ = try WriteRevision.next(current: current.revision, expected: expectedRevision)
            try await Self.checkDelete(id: current.id, slug: current.slug, connection, logger)
            // Links go with the row (ON DELETE CASCADE).
            try await connection.query("DELETE FROM \(unescaped: Self.table) WHERE id = \(current.id)", logger: logger)
            try await PostgresOutbox.record(
                [.write(of: Self.resourceKind, slug: current.slug, kind: .deleted)],
                now: now,
                connection,
                logger
            )
        }
    }

    package func existing(among slugs: [Slug]) async throws -> Set<String> {
        let logger = logger
        return try await engine.client.withConnection { connection in
            try await PostgresWrites.existing(slugs, in: Self.table, connection, logger)
        }
    }
}

extension SluggedKind {
    /// Inserts a row for `input` with the description's columns (a store's create, an
    /// import); its id.
    package func insert(
        _ input: Input,
        slug: String,
        revision: Int = 1,
        createdAt: Timestamp,
        updatedAt: Timestamp,
        _ connection: PGConnection,
        _ logger: Logger
    ) async throws -> Int64 {
        let values = insertValues(input, slug: slug, revision: revision, createdAt: createdAt, updatedAt: updatedAt)
        return try await connection.query(
            PostgresQuery(unsafeSQL: insertStatement.numbered + " RETURNING id", binds: StoredValue.bindings(values)),
            logger: logger
        ).first { try $0["id"] as Int64 }!
    }

    /// Writes the input's columns over the row `id`, with its slug, revision and time; a
    /// position the input leaves out keeps what it holds.
    package func update(
        id: Int64,
        with input: Input,
        slug: String,
        revision: Int,
        updatedAt: Timestamp,
        _ connection: PGConnection,
        _ logger: Logger
    ) async throws {
        let values = updateValues(id: id, input, slug: slug, revision: revision, updatedAt: updatedAt)
        try await connection.query(
            PostgresQuery(unsafeSQL: updateStatement.numbered, binds: StoredValue.bindings(values)),
            logger: logger
        )
    }

    /// Every row's identity and input, in id order: what an export holds of the kind.
    package func exported(_ connection: PGConnection, _ logger: Logger) async throws -> [(StoredIdentity, Input)] {
        try await connection.query(
            PostgresQuery(unsafeSQL: "SELECT \(selectList(table)) FROM \(table) ORDER BY id"),
            logger: logger
        )
        .map { row in (try StoredIdentity(row), try input(row)) }
    }
}

extension StoredValue {
    /// `values` bound in order.
    static func bindings(_ values: [StoredValue]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .text(let text): bindings.append(text)
            case .integer(let integer): bindings.append(integer)
            case .time(let time): bindings.append(time.date)
            case .flag(let flag): bindings.append(flag)
            case .null: bindings.appendNull()
            }
        }
        return bindings
    }
}

/// PostgresNIO's rows, as the kinds' descriptions read them.
extension PGRow: StoredRow {
    package func text(_ column: String) throws -> String { try self[column] }
    package func optionalText(_ column: String) throws -> String? { try self[column] }
    package func integer(_ column: String) throws -> Int64 { try self[column] }

    package func detail(_ column: String, _ kind: DetailValue.Kind) throws -> DetailValue? {
        switch kind {
        case .text: try self[column, as: String?.self].map(DetailValue.text)
        case .flag: try self[column, as: Bool?.self].map(DetailValue.flag)
        case .number: try self[column, as: Int64?.self].map(DetailValue.number)
        case .time: try optionalTime(column).map(DetailValue.time)
        }
    }
}

/// Pieces every collection's writes share on PostgreSQL, run inside the caller's transaction.
package enum PostgresWrites {
    /// The row with `slug`, locked until the transaction ends; `StoreError.notFound` otherwise.
    package static func lock(
        _ slug: Slug,
        in table: String,
        resource: ResourceKind,
        _ connection: PGConnection,
        _ logger: Logger
    ) async throws -> (id: Int64, slug: String, revision: Int) {
        let rows = try await connection.query(
            "SELECT id, slug, revision FROM \(unescaped: table) WHERE slug = \(slug.value) FOR UPDATE",
            logger: logger
        )
        guard
            let row = try await rows.first({
                (try $0["id"] as Int64, try $0["slug"] as String, try $0["revision"] as Int)
            })
        else { throw StoreError.notFound(resource: resource, slug: slug.value) }
        return row
    }

    /// The slug a write ends up with, as `WriteSupport.slug` decides it on SQLite.
    package static func slug(
        for choice: SlugChoice,
        current: String?,
        table: String,
        resource: ResourceKind,
        excludingID id: Int64?,
        _ connection: PGConnection,
        _ logger: Logger
    ) async throws -> String {
        func isTaken(_ candidate: String) async throws -> Bool {
            let rows = try await connection.query(
                """
                SELECT EXISTS (SELECT 1 FROM \(unescaped: table) WHERE slug = \(candidate) AND id IS DISTINCT FROM \(id))
                AS taken
                """,
                logger: logger
            )
            return try await rows.first { try $0["taken"] as Bool } ?? false
        }
        switch choice {
        case .keep:
            guard let current else { preconditionFailure("a new resource has no slug to keep") }
            return current
        case .given(let slug):
            if try await isTaken(slug.value) { throw SlugRules.taken(slug.value, resource: resource) }
            return slug.value
        case .derived(let slug):
            if try await !isTaken(slug.value) { return slug.value }
            for candidate in SlugRules.numbered(slug) where try await !isTaken(candidate) { return candidate }
            throw SlugRules.exhausted
        }
    }

    /// Which of `slugs` are in `table`, one of ours.
    package static func existing(_ slugs: [Slug], in table: String, _ connection: PGConnection, _ logger: Logger)
        async throws -> Set<String>
    {
        guard !slugs.isEmpty else { return [] }
        let rows = try await connection.query(
            "SELECT slug FROM \(unescaped: table) WHERE slug = ANY(\(slugs.map(\.value)))",
            logger: logger
        )
        return Set(try await rows.map { try $0["slug"] as String })
    }

    /// The ids of `slugs` in `table`, in order; every slug that does not exist is reported
    /// against `field` at its index.
    package static func ids(
        of slugs: [Slug],
        in table: String,
        field: String,
        _ connection: PGConnection,
        _ logger: Logger
    ) async throws -> [Int64] {
        guard !slugs.isEmpty else { return [] }
        let rows = try await connection.query(
            "SELECT id, slug FROM \(unescaped: table) WHERE slug = ANY(\(slugs.map(\.value)))",
            logger: logger
        )
        var idsBySlug: [String: Int64] = [:]
        for (id, slug) in try await rows.map({ (try $0["id"] as Int64, try $0["slug"] as String) }) {
            idsBySlug[slug] = id
        }
        var missing: [MissingReference] = []
        var ids: [Int64] = []
        for (index, slug) in slugs.enumerated() {
            if let id = idsBySlug[slug.value] {
                ids.append(id)
            } else {
                missing.append(MissingReference(field: field, index: index, slug: slug.value))
            }
        }
        guard missing.isEmpty else { throw StoreError.missingReferences(missing) }
        return ids
    }
}
