import Foundation
import GRDB
import MastheadDomain
import MastheadStorage

/// Table records: one struct per table, columns named as in the migrations (snake_case).
/// They are the write side's shapes; reads go through the stores' own row mapping.

package protocol SnakeCaseRecord: Codable, FetchableRecord, MutablePersistableRecord {}

/// A row of a collection the API addresses by slug, versioned by `revision`.
package protocol SluggedRecord: SnakeCaseRecord, TableRecord {
    var id: Int64? { get set }
    var slug: String { get set }
    var revision: Int { get set }
    var updatedAt: Timestamp { get set }
}

extension SluggedRecord {
    /// Keeps the id SQLite gave the new row.
    package mutating func didInsert(_ inserted: InsertionSuccess) {
        id = inserted.rowID
    }

    /// The row with `slug`, or `StoreError.notFound` naming `resource`.
    package static func find(slug: Slug, resource: ResourceKind, _ db: Database) throws -> Self {
        guard let record = try filter(Column("slug") == slug.value).fetchOne(db) else {
            throw StoreError.notFound(resource: resource, slug: slug.value)
        }
        return record
    }

    /// Readies a replace: checks the revision the write was based on, moves to the next
    /// revision, settles the slug and stamps the time.
    package mutating func prepareReplace(
        slug choice: SlugChoice,
        expectedRevision: Int?,
        resource: ResourceKind,
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
    package static func delete(
        slug: Slug,
        expectedRevision: Int?,
        resource: ResourceKind,
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
    package static var databaseColumnDecodingStrategy: DatabaseColumnDecodingStrategy { .convertFromSnakeCase }
    package static var databaseColumnEncodingStrategy: DatabaseColumnEncodingStrategy { .convertToSnakeCase }
}

package struct SiteRecord: SnakeCaseRecord {
    package static let databaseTableName = "site"
    package var id: Int64 = 1
    package var title: String
    package var description: String
    package var tagline: String
    package var url: String
    package var locale: String
    package var timezone: String
    package var revision: Int = 1
    package var updatedAt: Timestamp
}

package struct ArticleRecord: SluggedRecord {
    package static let databaseTableName = "articles"
    package var id: Int64?
    package var slug: String
    package var title: String
    package var customExcerpt: String?
    package var excerpt: String
    /// `draft` or `published`.
    package var status: String
    package var featured: Bool
    package var publishedAt: Timestamp?
    package var authorId: Int64
    package var wordCount: Int
    package var readingTimeMinutes: Int
    package var views: Int = 0
    /// A column each (`ArticleDetails.fields`).
    package var details: ArticleDetails
    package var revision: Int = 1
    package var createdAt: Timestamp
    package var updatedAt: Timestamp

    /// Sets everything computed from the body: word count, reading time, and the served
    /// excerpt (the custom one, or the start of the plaintext).
    package mutating func setBody(_ body: PreparedBody) {
        wordCount = body.wordCount
        readingTimeMinutes = body.readingTimeMinutes
        excerpt = customExcerpt ?? body.fallbackExcerpt
    }

    /// `setBody` for Markdown rendered on the spot; returns the body's own row, for
    /// `ArticleBodyRecord.save` once the article has its id.
    package mutating func setBody(_ markdown: String) -> ArticleBodyRecord {
        let body = PreparedBody(markdown: markdown)
        setBody(body)
        return body.record
    }

    package init(
        id: Int64? = nil,
        slug: String,
        title: String,
        customExcerpt: String? = nil,
        excerpt: String,
        status: String,
        featured: Bool,
        publishedAt: Timestamp? = nil,
        authorId: Int64,
        wordCount: Int,
        readingTimeMinutes: Int,
        views: Int = 0,
        details: ArticleDetails = ArticleDetails(),
        revision: Int = 1,
        createdAt: Timestamp,
        updatedAt: Timestamp
    ) {
        self.id = id
        self.slug = slug
        self.title = title
        self.customExcerpt = customExcerpt
        self.excerpt = excerpt
        self.status = status
        self.featured = featured
        self.publishedAt = publishedAt
        self.authorId = authorId
        self.wordCount = wordCount
        self.readingTimeMinutes = readingTimeMinutes
        self.views = views
        self.details = details
        self.revision = revision
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The columns, named for the record's snake case conversion; the details' sit beside them.
    private enum CodingKeys: String, CodingKey {
        case id, slug, title, customExcerpt, excerpt, status, featured, publishedAt, authorId, wordCount
        case readingTimeMinutes, views, revision, createdAt, updatedAt
    }

    package init(from decoder: any Decoder) throws {
        let row = try decoder.container(keyedBy: CodingKeys.self)
        id = try row.decodeIfPresent(Int64.self, forKey: .id)
        slug = try row.decode(String.self, forKey: .slug)
        title = try row.decode(String.self, forKey: .title)
        customExcerpt = try row.decodeIfPresent(String.self, forKey: .customExcerpt)
        excerpt = try row.decode(String.self, forKey: .excerpt)
        status = try row.decode(String.self, forKey: .status)
        featured = try row.decode(Bool.self, forKey: .featured)
        publishedAt = try row.decodeIfPresent(Timestamp.self, forKey: .publishedAt)
        authorId = try row.decode(Int64.self, forKey: .authorId)
        wordCount = try row.decode(Int.self, forKey: .wordCount)
        readingTimeMinutes = try row.decode(Int.self, forKey: .readingTimeMinutes)
        views = try row.decode(Int.self, forKey: .views)
        details = try ArticleDetails(from: decoder, keys: .forSnakeCaseConversion)
        revision = try row.decode(Int.self, forKey: .revision)
        createdAt = try row.decode(Timestamp.self, forKey: .createdAt)
        updatedAt = try row.decode(Timestamp.self, forKey: .updatedAt)
    }

    package func encode(to encoder: any Encoder) throws {
        var row = encoder.container(keyedBy: CodingKeys.self)
        try row.encode(id, forKey: .id)
        try row.encode(slug, forKey: .slug)
        try row.encode(title, forKey: .title)
        try row.encode(customExcerpt, forKey: .customExcerpt)
        try row.encode(excerpt, forKey: .excerpt)
        try row.encode(status, forKey: .status)
        try row.encode(featured, forKey: .featured)
        try row.encode(publishedAt, forKey: .publishedAt)
        try row.encode(authorId, forKey: .authorId)
        try row.encode(wordCount, forKey: .wordCount)
        try row.encode(readingTimeMinutes, forKey: .readingTimeMinutes)
        try row.encode(views, forKey: .views)
        try details.encode(to: encoder, keys: .forSnakeCaseConversion)
        try row.encode(revision, forKey: .revision)
        try row.encode(createdAt, forKey: .createdAt)
        try row.encode(updatedAt, forKey: .updatedAt)
    }
}

/// An article body made ready to store before any transaction (`ArticleText`), with its
/// plaintext compressed as SQLite stores it.
package struct PreparedBody: Sendable {
    package let text: ArticleText
    package let record: ArticleBodyRecord

    package init(markdown: String, html: Bool = false) {
        text = ArticleText(markdown: markdown, html: html)
        record = ArticleBodyRecord(markdown: markdown, plaintext: CompressedText.compress(text.plaintext))
    }

    package var wordCount: Int { text.wordCount }
    package var readingTimeMinutes: Int { text.readingTimeMinutes }
    package var fallbackExcerpt: String { text.fallbackExcerpt }
    package var html: String? { text.html }

    /// The bodies of `markdowns`, in their order, prepared on every core (an import's many).
    package static func preparing(_ markdowns: [String]) async -> [PreparedBody] {
        await ArticleText.preparing(markdowns) { PreparedBody(markdown: $0) }
    }
}

/// An article's body, kept apart from the row that lists and counts read (0010). HTML is
/// rendered from the Markdown when read; the plaintext is stored deflated.
package struct ArticleBodyRecord: Sendable {
    package var markdown: String
    package var plaintext: Data

    /// Inserts or replaces the body of article `id`; triggers keep the search index in step.
    /// The statement is prepared once per connection: preparing it compiles the index's
    /// triggers, which costs more than running them.
    package func save(for id: Int64, _ db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO article_bodies (article_id, markdown, plaintext) VALUES (?, ?, ?)
                ON CONFLICT (article_id) DO UPDATE SET markdown = excluded.markdown, plaintext = excluded.plaintext
                """
        ).execute(arguments: [id, markdown, plaintext])
    }
}

package struct ArticleTagRecord: SnakeCaseRecord, PersistableRecord {
    package static let databaseTableName = "article_tags"
    package var articleId: Int64
    package var tagId: Int64
    package var position: Int

    package init(articleId: Int64, tagId: Int64, position: Int) {
        self.articleId = articleId
        self.tagId = tagId
        self.position = position
    }
}

package struct PlatformServiceRecord: SnakeCaseRecord, PersistableRecord {
    package static let databaseTableName = "platform_services"
    package var platformId: Int64
    package var serviceId: Int64
}
