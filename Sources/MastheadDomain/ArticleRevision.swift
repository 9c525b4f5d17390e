import Foundation

/// One version of an article, as a write left it: revision `number` is the article's
/// `revision` right after that write. Kept for the last `StoreLimits.revisionsKept` writes.
public struct ArticleRevision: Sendable, Equatable {
    public let number: Int
    public let createdAt: Timestamp
    /// The token the write was made with; nil for a version nobody wrote through the API
    /// (an article imported, or written before revisions were kept, as it was found).
    public let tokenID: Int64?
    public let tokenName: String?
    public let snapshot: ArticleSnapshot

    package init(
        number: Int,
        createdAt: Timestamp,
        tokenID: Int64?,
        tokenName: String?,
        snapshot: ArticleSnapshot
    ) {
        self.number = number
        self.createdAt = createdAt
        self.tokenID = tokenID
        self.tokenName = tokenName
        self.snapshot = snapshot
    }
}

/// Every writable field of an article as stored: what a restore writes back. The JSON keys
/// are the API's field names, the details' beside the others; `status` is the stored one
/// (`published` with a future `published_at` was scheduled).
public struct ArticleSnapshot: Sendable, Equatable, Codable {
    public var slug: Slug
    public var title: String
    public var customExcerpt: String?
    public var bodyMarkdown: String
    public var status: ArticleInput.StoredStatus
    public var publishedAt: Timestamp?
    public var featured: Bool
    public var author: Slug
    public var tags: [Slug]
    public var details: ArticleDetails

    package enum CodingKeys: String, CodingKey {
        case slug, title, status, featured, author, tags
        case customExcerpt = "excerpt"
        case bodyMarkdown = "body_markdown"
        case publishedAt = "published_at"
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        slug = try container.decode(Slug.self, forKey: .slug)
        title = try container.decode(String.self, forKey: .title)
        customExcerpt = try container.decodeIfPresent(String.self, forKey: .customExcerpt)
        bodyMarkdown = try container.decode(String.self, forKey: .bodyMarkdown)
        status = try container.decode(ArticleInput.StoredStatus.self, forKey: .status)
        publishedAt = try container.decodeIfPresent(Timestamp.self, forKey: .publishedAt)
        featured = try container.decode(Bool.self, forKey: .featured)
        author = try container.decode(Slug.self, forKey: .author)
        tags = try container.decode([Slug].self, forKey: .tags)
        details = try ArticleDetails(from: decoder, keys: .asNamed)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(slug, forKey: .slug)
        try container.encode(title, forKey: .title)
        try container.encodeIfPresent(customExcerpt, forKey: .customExcerpt)
        try container.encode(bodyMarkdown, forKey: .bodyMarkdown)
        try container.encode(status, forKey: .status)
        try container.encodeIfPresent(publishedAt, forKey: .publishedAt)
        try container.encode(featured, forKey: .featured)
        try container.encode(author, forKey: .author)
        try container.encode(tags, forKey: .tags)
        try details.encode(to: encoder, keys: .asNamed)
    }

    /// What a write of `input` stored, its slug and publication time settled by the store.
    package init(_ input: ArticleInput, slug: String, publishedAt: Timestamp?) throws {
        self.slug = try Self.stored(slug)
        title = input.title
        customExcerpt = input.customExcerpt
        bodyMarkdown = input.bodyMarkdown
        status = input.status
        self.publishedAt = publishedAt
        featured = input.featured
        author = input.author
        tags = input.tags
        details = input.details
    }

    /// An article as read with its Markdown body.
    package init(_ article: Article) throws {
        slug = try Self.stored(article.slug)
        title = article.title
        customExcerpt = article.customExcerpt
        bodyMarkdown = article.bodyMarkdown ?? ""
        status = article.status == .draft ? .draft : .published
        publishedAt = article.publishedAt
        featured = article.featured
        author = try Self.stored(article.author.slug)
        tags = try article.tags.map { try Self.stored($0.slug) }
        details = article.details
    }

    /// The write that puts this version back: the same slug, fields, author and tags (which
    /// must still exist), and the same publication time, past or future.
    public var input: ArticleInput {
        ArticleInput(
            slug: .given(slug),
            title: title,
            customExcerpt: customExcerpt,
            bodyMarkdown: bodyMarkdown,
            status: status,
            publishedAt: publishedAt,
            featured: featured,
            author: author,
            tags: tags,
            details: details
        )
    }

    /// A slug read from the database, which only ever stores valid ones.
    private static func stored(_ text: String) throws -> Slug {
        guard let slug = Slug(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "a stored slug is not a slug"))
        }
        return slug
    }

    /// The stored form, JSON.
    package func encoded() throws -> String {
        String(decoding: try Self.encoder.encode(self), as: UTF8.self)
    }

    package init(decoding text: String) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(text.utf8))
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}

extension ArticleInput.StoredStatus: Codable {}
