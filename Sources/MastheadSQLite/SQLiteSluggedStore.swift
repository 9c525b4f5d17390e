import GRDB
import MastheadDomain
import MastheadStorage

/// What the SQLite stores of authors, tags, platforms and services share: one row per
/// resource, found by slug, created with a free slug, replaced and deleted with a revision
/// check, each in one transaction. The row's columns come from the kind's description
/// (`SluggedKind`, shared with PostgreSQL); each store says what it writes beside the row and
/// how it reads the resource back. It mirrors `PostgresSluggedStore` step for step.
package protocol SQLiteSluggedStore: ResourceStore where Input: SluggedInput {
    var database: AppDatabase { get }
    var clock: ContentClock { get }
    /// The kind's description: its table, the columns its input writes, its resource.
    static var stored: SluggedKind<Input, Resource> { get }

    /// Writes what lives beside the row (links to other resources) once it is saved;
    /// `replacing` says whether the old ones must go first.
    static func saveLinks(of id: Int64, from input: Input, replacing: Bool, _ db: Database) throws
    /// Refuses a delete that would break a rule of the data.
    static func checkDelete(id: Int64, slug: String, _ db: Database) throws
    /// The resource as the API serves it.
    static func fetch(_ key: RowKey, now: Timestamp, _ db: Database) throws -> Resource?
}

extension SQLiteSluggedStore {
    /// The kind it holds, as messages, events and ETags name it.
    package static var resourceKind: ResourceKind { stored.kind }

    package static func saveLinks(of id: Int64, from input: Input, replacing: Bool, _ db: Database) throws {}
    package static func checkDelete(id: Int64, slug: String, _ db: Database) throws {}

    /// The table, one of ours.
    package static var table: String { stored.table }

    package func find(slug: Slug) async throws -> Resource {
        let now = clock.now
        return try await database.reader.read { db in
            guard let resource = try Self.fetch(.slug(slug.value), now: now, db) else {
                throw StoreError.notFound(resource: Self.resourceKind, slug: slug.value)
            }
            return resource
        }
    }

    package func create(_ input: Input, by actor: TokenInfo?) async throws -> Resource {
        let now = clock.now
        return try await database.write { db in
            let slug = try WriteSupport.slug(
                for: input.slug,
                current: nil,
                table: Self.table,
                resource: Self.resourceKind,
                excludingID: nil,
                db
            )
            let id = try Self.stored.insert(input, slug: slug, createdAt: now, updatedAt: now, db)
            try Self.saveLinks(of: id, from: input, replacing: false, db)
            try SQLiteOutbox.record([.write(of: Self.resourceKind, slug: slug, kind: .created)], now: now, db)
            return try Self.fetch(.id(id), now: now, db)!
        }
    }

    package func replace(
        slug: Slug,
        with input: Input,
        expectedRevision: Int?,
        by actor: TokenInfo?
    ) async throws -> Resource {
        let now = clock.now
        return try await database.write { db in
            let current = try Self.row(slug, db)
            let revision = try WriteSupport.nextRevision(current: current.revision, expected: expectedRevision)
            let newSlug = try WriteSupport.slug(
                for: input.slug,
                current: current.slug,
                table: Self.table,
                resource: Self.resourceKind,
                excludingID: current.id,
                db
            )
            try Self.stored.update(id: current.id, with: input, slug: newSlug, revision: revision, updatedAt: now, db)
            try Self.saveLinks(of: current.id, from: input, replacing: true, db)
            try SQLiteOutbox.record(
                [.write(of: Self.resourceKind, slug: newSlug, previousSlug: current.slug, kind: .updated)],
                now: now,
                db
            )
            return try Self.fetch(.id(current.id), now: now, db)!
        }
    }

    package func delete(slug: Slug, expectedRevision: Int?, by actor: TokenInfo?) async throws {
        let now = clock.now
        try await database.write { db in
            let current = try Self.row(slug, db)
            _ = try WriteSupport.nextRevision(current: current.revision, expected: expectedRevision)
            try Self.checkDelete(id: current.id, slug: current.slug, db)
            // Links go with the row (ON DELETE CASCADE).
            try db.execute(sql: "DELETE FROM \(Self.table) WHERE id = ?", arguments: [current.id])
            try SQLiteOutbox.record([.write(of: Self.resourceKind, slug: current.slug, kind: .deleted)], now: now, db)
        }
    }

    /// The row with `slug`: its id, slug and revision; `StoreError.notFound` otherwise.
    private static func row(_ slug: Slug, _ db: Database) throws -> (id: Int64, slug: String, revision: Int) {
        let row = try Row.fetchOne(
            db.cachedStatement(sql: "SELECT id, slug, revision FROM \(table) WHERE slug = ?"),
            arguments: [slug.value]
        )
        guard let row else { throw StoreError.notFound(resource: resourceKind, slug: slug.value) }
        return (row["id"], row["slug"], row["revision"])
    }

    package func existing(among slugs: [Slug]) async throws -> Set<String> {
        try await database.reader.read { db in try WriteSupport.existing(slugs, in: Self.table, db) }
    }
}

extension SluggedKind {
    /// Inserts a row for `input` with the description's columns (a store's create, the
    /// demo, an import); its id.
    package func insert(
        _ input: Input,
        slug: String,
        revision: Int = 1,
        createdAt: Timestamp,
        updatedAt: Timestamp,
        _ db: Database
    ) throws -> Int64 {
        let values = insertValues(input, slug: slug, revision: revision, createdAt: createdAt, updatedAt: updatedAt)
        try db.cachedStatement(sql: insertStatement.anonymous)
            .execute(arguments: StatementArguments(values.map(\.databaseValue)))
        return db.lastInsertedRowID
    }

    /// Writes the input's columns over the row `id`, with its slug, revision and time; a
    /// position the input leaves out keeps what it holds.
    package func update(id: Int64, with input: Input, slug: String, revision: Int, updatedAt: Timestamp, _ db: Database)
        throws
    {
        let values = updateValues(id: id, input, slug: slug, revision: revision, updatedAt: updatedAt)
        try db.cachedStatement(sql: updateStatement.anonymous)
            .execute(arguments: StatementArguments(values.map(\.databaseValue)))
    }

    /// Every row's identity and input, in id order: what an export holds of the kind.
    package func exported(_ db: Database) throws -> [(StoredIdentity, Input)] {
        try Row.fetchAll(db, sql: "SELECT * FROM \(table) ORDER BY id").map { row in
            (try StoredIdentity(row), try input(row))
        }
    }
}

extension StoredValue {
    /// The value as SQLite binds it.
    var databaseValue: DatabaseValue {
        switch self {
        case .text(let text): text.databaseValue
        case .integer(let integer): integer.databaseValue
        case .time(let time): time.databaseValue
        case .flag(let flag): flag.databaseValue
        case .null: .null
        }
    }
}

/// GRDB's rows, as the kinds' descriptions read them.
extension Row: StoredRow {
    package func text(_ column: String) throws -> String { try decode(String.self, forColumn: column) }
    package func optionalText(_ column: String) throws -> String? { try decode(String?.self, forColumn: column) }
    package func integer(_ column: String) throws -> Int64 { try decode(Int64.self, forColumn: column) }
    package func time(_ column: String) throws -> Timestamp { try decode(Timestamp.self, forColumn: column) }

    package func detail(_ column: String, _ kind: DetailValue.Kind) throws -> DetailValue? {
        switch kind {
        case .text: try decode(String?.self, forColumn: column).map(DetailValue.text)
        case .flag: try decode(Bool?.self, forColumn: column).map(DetailValue.flag)
        case .number: try decode(Int64?.self, forColumn: column).map(DetailValue.number)
        case .time: try decode(Timestamp?.self, forColumn: column).map(DetailValue.time)
        }
    }
}
