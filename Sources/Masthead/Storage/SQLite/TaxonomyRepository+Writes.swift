import GRDB

/// Writes of authors and tags.
public protocol AuthorWriting: Sendable {
    func create(_ input: AuthorInput) async throws -> Author
    func replace(slug: Slug, with input: AuthorInput, expectedRevision: Int?) async throws -> Author
    /// Refused with a 409-style conflict while the author still has articles.
    func delete(slug: Slug, expectedRevision: Int?) async throws
}

public protocol TagWriting: Sendable {
    func create(_ input: TagInput) async throws -> Tag
    func replace(slug: Slug, with input: TagInput, expectedRevision: Int?) async throws -> Tag
    /// Removes the tag from every article that had it.
    func delete(slug: Slug, expectedRevision: Int?) async throws
}

extension SQLiteAuthorRepository: AuthorWriting {
    public func create(_ input: AuthorInput) async throws -> Author {
        let now = clock.now
        return try await database.write { db in
            let slug = try WriteSupport.slug(
                for: input.slug,
                current: nil,
                table: "authors",
                resource: "author",
                excludingID: nil,
                db
            )
            var record = AuthorRecord(slug: slug, name: "", createdAt: now, updatedAt: now)
            record.apply(input)
            try record.insert(db)
            return try Self.fetch(db, id: record.id!, now: now)
        }
    }

    public func replace(slug: Slug, with input: AuthorInput, expectedRevision: Int?) async throws -> Author {
        let now = clock.now
        return try await database.write { db in
            var record = try AuthorRecord.find(slug: slug, resource: "author", db)
            try record.prepareReplace(
                slug: input.slug,
                expectedRevision: expectedRevision,
                resource: "author",
                now: now,
                db
            )
            record.apply(input)
            try record.update(db)
            return try Self.fetch(db, id: record.id!, now: now)
        }
    }

    public func delete(slug: Slug, expectedRevision: Int?) async throws {
        try await database.write { db in
            try AuthorRecord.delete(slug: slug, expectedRevision: expectedRevision, resource: "author", db) { record in
                let articles =
                    try Int.fetchOne(
                        db,
                        SQLRequest<Int>(
                            literal: "SELECT COUNT(*) FROM articles WHERE author_id = \(record.id!)",
                            cached: true
                        )
                    )
                    ?? 0
                guard articles == 0 else {
                    let noun = articles == 1 ? "1 article" : "\(articles) articles"
                    throw RepositoryError.conflict(
                        code: "author_has_articles",
                        detail:
                            "Author '\(slug.value)' still has \(noun) (drafts included); reassign or delete them first."
                    )
                }
            }
        }
    }

    private static func fetch(_ db: Database, id: Int64, now: Timestamp) throws -> Author {
        let request = SQLRequest<Row>(literal: "\(select(now: now)) WHERE au.id = \(id)", cached: true)
        return try author(from: try Row.fetchOne(db, request)!)
    }
}

extension AuthorRecord {
    mutating func apply(_ input: AuthorInput) {
        name = input.name
        bio = input.bio
        avatarUrl = input.avatarURL
        websiteUrl = input.websiteURL
        location = input.location
    }
}

extension SQLiteTagRepository: TagWriting {
    public func create(_ input: TagInput) async throws -> Tag {
        let now = clock.now
        return try await database.write { db in
            let slug = try WriteSupport.slug(
                for: input.slug,
                current: nil,
                table: "tags",
                resource: "tag",
                excludingID: nil,
                db
            )
            var record = TagRecord(
                slug: slug,
                name: input.name,
                description: input.description,
                createdAt: now,
                updatedAt: now
            )
            try record.insert(db)
            return try Self.fetch(db, id: record.id!, now: now)
        }
    }

    public func replace(slug: Slug, with input: TagInput, expectedRevision: Int?) async throws -> Tag {
        let now = clock.now
        return try await database.write { db in
            var record = try TagRecord.find(slug: slug, resource: "tag", db)
            try record.prepareReplace(
                slug: input.slug,
                expectedRevision: expectedRevision,
                resource: "tag",
                now: now,
                db
            )
            record.name = input.name
            record.description = input.description
            try record.update(db)
            return try Self.fetch(db, id: record.id!, now: now)
        }
    }

    public func delete(slug: Slug, expectedRevision: Int?) async throws {
        try await database.write { db in
            // article_tags rows go with it (ON DELETE CASCADE).
            try TagRecord.delete(slug: slug, expectedRevision: expectedRevision, resource: "tag", db)
        }
    }

    private static func fetch(_ db: Database, id: Int64, now: Timestamp) throws -> Tag {
        tag(
            from: try Row.fetchOne(
                db,
                SQLRequest<Row>(literal: "\(select(now: now)) WHERE t.id = \(id)", cached: true)
            )!
        )
    }
}
