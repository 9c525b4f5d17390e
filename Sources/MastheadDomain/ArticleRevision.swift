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
/// are the API's field names; `status` is the stored one (`published` with a future
/// `published_at` was scheduled).
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
    public var coverImageURL: String?
    public var coverImageAlt: String?
    public var seoTitle: String?
    public var seoDescription: String?
    public var canonicalURL: String?

    package enum CodingKeys: String, CodingKey {
        case slug, title, status, featured, author, tags
        case customExcerpt = "excerpt"
        case bodyMarkdown = "body_markdown"
        case publishedAt = "published_at"
        case coverImageURL = "cover_image_url"
        case coverImageAlt = "cover_image_alt"
        case seoTitle = "seo_title"
        case seoDescription = "seo_description"
        case canonicalURL = "canonical_url"
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
        coverImageURL = input.coverImageURL
        coverImageAlt = input.coverImageAlt
        seoTitle = input.seoTitle
        seoDescription = input.seoDescription
        canonicalURL = input.canonicalURL
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
        coverImageURL = article.coverImageURL
        coverImageAlt = article.coverImageAlt
        seoTitle = article.seoTitle
        seoDescription = article.seoDescription
        canonicalURL = article.canonicalURL
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
            coverImageURL: coverImageURL,
            coverImageAlt: coverImageAlt,
            seoTitle: seoTitle,
            seoDescription: seoDescription,
            canonicalURL: canonicalURL
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
