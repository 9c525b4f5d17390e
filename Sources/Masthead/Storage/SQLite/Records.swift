import Foundation
import GRDB
import MastheadDomain

/// Table records: one struct per table, columns named as in the migrations (snake_case).
/// They are the write side's shapes; reads go through the stores' own row mapping.

protocol SnakeCaseRecord: Codable, FetchableRecord, MutablePersistableRecord {}

/// A row of a collection the API addresses by slug, versioned by `revision`.
protocol SluggedRecord: SnakeCaseRecord, TableRecord {
    var id: Int64? { get set }
    var slug: String { get set }
    var revision: Int { get set }
    var updatedAt: Timestamp { get set }
}

extension SluggedRecord {
    /// Keeps the id SQLite gave the new row.
    mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// The row with `slug`, or `StoreError.notFound` naming `resource`.
    static func find(slug: Slug, resource: String, _ db: Database) throws -> Self {
        guard let record = try filter(Column("slug") == slug.value).fetchOne(db) else {
            throw StoreError.notFound(resource: resource, slug: slug.value)
        }
        return record
    }

    /// Readies a replace: checks the revision the write was based on, moves to the next
    /// revision, settles the slug and stamps the time.
    mutating func prepareReplace(
        slug choice: SlugChoice,
        expectedRevision: Int?,
        resource: String,
        now: Timestamp,
        _ db: Database
    ) throws {
        revision = try WriteSupport.nextRevision(current: revision, expected: expectedRevision)
        slug = try WriteSupport.slug(
            for: choice,
            current: slug,
            table: Self.databaseTableName,
            resource: resource,
            excludingID: id,
            db
        )
        updatedAt = now
    }

    /// Deletes the row with `slug` unless it changed since `expectedRevision`; `check` may
    /// refuse first (an author who still has articles, say).
    static func delete(
        slug: Slug,
        expectedRevision: Int?,
        resource: String,
        _ db: Database,
        check: (Self) throws -> Void = { _ in }
    ) throws {
        let record = try find(slug: slug, resource: resource, db)
        _ = try WriteSupport.nextRevision(current: record.revision, expected: expectedRevision)
        try check(record)
        try record.delete(db)
    }
}

extension SnakeCaseRecord {
    static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}

struct SiteRecord: SnakeCaseRecord {
    static let databaseTableName = "site"
    var id: Int64 = 1
    var title: String
    var description: String
    var tagline: String
    var url: String
    var locale: String
    var timezone: String
    var revision: Int = 1
    var updatedAt: Timestamp
}

struct AuthorRecord: SluggedRecord {
    static let databaseTableName = "authors"
    var id: Int64?
    var slug: String
    var name: String
    var bio: String?
    var avatarUrl: String?
    var websiteUrl: String?
    var location: String?
    var revision: Int = 1
    var createdAt: Timestamp
    var updatedAt: Timestamp
}

struct TagRecord: SluggedRecord {
    static let databaseTableName = "tags"
    var id: Int64?
    var slug: String
    var name: String
    var description: String?
    var revision: Int = 1
    var createdAt: Timestamp
    var updatedAt: Timestamp
}

struct ArticleRecord: SluggedRecord {
    static let databaseTableName = "articles"
    var id: Int64?
    var slug: String
    var title: String
    var customExcerpt: String?
    var excerpt: String
    /// `draft` or `published`.
    var status: String
    var featured: Bool
    var publishedAt: Timestamp?
    var authorId: Int64
    var wordCount: Int
    var readingTimeMinutes: Int
    var views: Int = 0
    var coverImageUrl: String?
    var coverImageAlt: String?
    var seoTitle: String?
    var seoDescription: String?
    var canonicalUrl: String?
    var revision: Int = 1
    var createdAt: Timestamp
    var updatedAt: Timestamp

    /// Sets everything computed from the body: word count, reading time, and the served
    /// excerpt (the custom one, or the start of the plaintext).
    mutating func setBody(_ body: PreparedBody) {
        wordCount = body.wordCount
        readingTimeMinutes = body.readingTimeMinutes
        excerpt = customExcerpt ?? body.fallbackExcerpt
    }

    /// `setBody` for Markdown rendered on the spot; returns the body's own row, for
    /// `ArticleBodyRecord.save` once the article has its id.
    mutating func setBody(_ markdown: String) -> ArticleBodyRecord {
        let body = PreparedBody(markdown: markdown)
        setBody(body)
        return body.record
    }
}

/// An article body made ready to store before any transaction (`ArticleText`), with its
/// plaintext compressed as SQLite stores it.
struct PreparedBody: Sendable {
    let text: ArticleText
    let record: ArticleBodyRecord

    init(markdown: String, html: Bool = false) {
        text = ArticleText(markdown: markdown, html: html)
        record = ArticleBodyRecord(markdown: markdown, plaintext: CompressedText.compress(text.plaintext))
    }

    var wordCount: Int { text.wordCount }
    var readingTimeMinutes: Int { text.readingTimeMinutes }
    var fallbackExcerpt: String { text.fallbackExcerpt }
    var html: String? { text.html }

    /// The bodies of `markdowns`, in their order, prepared on every core (an import's many).
    static func preparing(_ markdowns: [String]) async -> [PreparedBody] {
        await ArticleText.preparing(markdowns) { PreparedBody(markdown: $0) }
    }
}

/// An article's body, kept apart from the row that lists and counts read (0010). HTML is
/// rendered from the Markdown when read; the plaintext is stored deflated.
struct ArticleBodyRecord: Sendable {
    var markdown: String
    var plaintext: Data

    /// Inserts or replaces the body of article `id`; triggers keep the search index in step.
    /// The statement is prepared once per connection: preparing it compiles the index's
    /// triggers, which costs more than running them.
    func save(for id: Int64, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO article_bodies (article_id, markdown, plaintext) VALUES (?, ?, ?)
                ON CONFLICT (article_id) DO UPDATE SET markdown = excluded.markdown, plaintext = excluded.plaintext
                """
        ).execute(arguments: [id, markdown, plaintext])
    }
}

struct ArticleTagRecord: SnakeCaseRecord, PersistableRecord {
    static let databaseTableName = "article_tags"
    var articleId: Int64
    var tagId: Int64
    var position: Int
}

struct PlatformRecord: SluggedRecord {
    static let databaseTableName = "platforms"
    var id: Int64?
    var slug: String
    var name: String
    var focus: String
    var tagline: String
    var description: String
    var url: String?
    var position: Int
    var revision: Int = 1
    var createdAt: Timestamp
    var updatedAt: Timestamp
}

struct ServiceRecord: SluggedRecord {
    static let databaseTableName = "services"
    var id: Int64?
    var slug: String
    var title: String
    var subtitle: String
    var description: String
    var position: Int
    var revision: Int = 1
    var createdAt: Timestamp
    var updatedAt: Timestamp
}

struct PlatformServiceRecord: SnakeCaseRecord, PersistableRecord {
    static let databaseTableName = "platform_services"
    var platformId: Int64
    var serviceId: Int64
}
