import GRDB
import MastheadDomain
import MastheadStorage

/// What the SQLite stores of authors, tags, platforms and services share: one row per
/// resource, found by slug, created with a free slug, replaced and deleted with a revision
/// check, each in one transaction. Each store says how its row is made from an input, what
/// it writes beside the row, and how it reads the resource back.
package protocol SQLiteSluggedStore: ResourceStore where Input: SluggedInput {
    associatedtype Record: SluggedRecord

    var database: AppDatabase { get }
    var clock: ContentClock { get }
    /// The kind it holds, as messages, events and ETags name it.
    static var resourceKind: ResourceKind { get }

    /// A new row for `input`, before it is inserted.
    static func newRecord(_ input: Input, slug: String, now: Timestamp, _ db: Database) throws -> Record
    /// Copies the input's fields onto a row.
    static func apply(_ input: Input, to record: inout Record)
    /// Writes what lives beside the row (links to other resources) once it is saved;
    /// `replacing` says whether the old ones must go first.
    static func saveLinks(of record: Record, from input: Input, replacing: Bool, _ db: Database) throws
    /// Refuses a delete that would break a rule of the data.
    static func checkDelete(_ record: Record, _ db: Database) throws
    /// The resource as the API serves it.
    static func fetch(_ key: RowKey, now: Timestamp, _ db: Database) throws -> Resource?
}

extension SQLiteSluggedStore {
    package static func saveLinks(of record: Record, from input: Input, replacing: Bool, _ db: Database) throws {}
    package static func checkDelete(_ record: Record, _ db: Database) throws {}

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
                table: Record.databaseTableName,
                resource: Self.resourceKind,
                excludingID: nil,
                db
            )
            var record = try Self.newRecord(input, slug: slug, now: now, db)
            try record.insert(db)
            try Self.saveLinks(of: record, from: input, replacing: false, db)
            try SQLiteOutbox.record([.write(of: Self.resourceKind, slug: slug, kind: .created)], now: now, db)
            return try Self.fetch(.id(record.id!), now: now, db)!
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
            var record = try Record.find(slug: slug, resource: Self.resourceKind, db)
            let oldSlug = record.slug
            try record.prepareReplace(
                slug: input.slug,
                expectedRevision: expectedRevision,
                resource: Self.resourceKind,
                now: now,
                db
            )
            Self.apply(input, to: &record)
            try record.update(db)
            try Self.saveLinks(of: record, from: input, replacing: true, db)
            try SQLiteOutbox.record(
                [.write(of: Self.resourceKind, slug: record.slug, previousSlug: oldSlug, kind: .updated)],
                now: now,
                db
            )
            return try Self.fetch(.id(record.id!), now: now, db)!
        }
    }

    package func delete(slug: Slug, expectedRevision: Int?, by actor: TokenInfo?) async throws {
        let now = clock.now
        try await database.write { db in
            // Links go with the row (ON DELETE CASCADE).
            try Record.delete(slug: slug, expectedRevision: expectedRevision, resource: Self.resourceKind, db) {
                try Self.checkDelete($0, db)
                try SQLiteOutbox.record([.write(of: Self.resourceKind, slug: slug.value, kind: .deleted)], now: now, db)
            }
        }
    }

    package func existing(among slugs: [Slug]) async throws -> Set<String> {
        try await database.reader.read { db in try WriteSupport.existing(slugs, in: Record.databaseTableName, db) }
    }
}
