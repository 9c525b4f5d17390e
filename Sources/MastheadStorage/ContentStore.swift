import MastheadDomain

/// The publication's writing: articles, their authors and their tags.
public protocol ContentStore: Sendable {
    var articles: any ArticleStore { get }
    var authors: any AuthorStore { get }
    var tags: any TagStore { get }
}

/// Articles: reads for the public and for tokens, and writes that keep the body, tags, slug
/// redirects and search index consistent in one transaction each.
public protocol ArticleStore: ResourceStore where Resource == Article, Input == ArticleInput {
    func list(_ query: ArticleListQuery) async throws -> ArticlePage
    /// `StoreError.notFound` when no article with that slug is visible.
    func find(slug: Slug, bodies: Set<BodyFormat>, visibility: ArticleVisibility) async throws -> Article
    /// The current slug of the visible article that used to be called `slug`, if any.
    func currentSlug(forOldSlug slug: Slug, visibility: ArticleVisibility) async throws -> String?
    /// Published articles most like the one with `slug`; `StoreError.notFound` when no
    /// published article has that slug.
    func related(to slug: Slug, limit: Int) async throws -> [RelatedArticle]
    /// The earliest publication time of a scheduled article after `now`.
    func nextPublication(after now: Timestamp) async throws -> Timestamp?
    /// Every published article's address and last change, newest first.
    func sitemapEntries(limit: Int) async throws -> [SitemapEntry]
}

extension ArticleStore {
    /// Any article, with both bodies: what a write starts from.
    public func find(slug: Slug) async throws -> Article {
        try await find(slug: slug, bodies: [.html, .markdown], visibility: .all)
    }
}

public protocol TagStore: PagedResourceStore where Resource == Tag, Input == TagInput {
    func list(_ page: PageRequest, sort: TagSort) async throws -> Page<Tag>
}

extension TagStore {
    /// Tags by name.
    public func list(_ page: PageRequest) async throws -> Page<Tag> {
        try await list(page, sort: .name)
    }
}

public enum TagSort: String, Sendable, CaseIterable {
    case name
    case mostArticles = "-article_count"
}

/// Why an article is related to another.
public struct RelatedReason: Sendable, Equatable {
    /// Slugs of the tags both share, in the first article's tag order.
    public let sharedTags: [String]
    public let sameAuthor: Bool
    /// Found by the words of the title and excerpt rather than by tags.
    public let similarText: Bool

    package init(sharedTags: [String], sameAuthor: Bool, similarText: Bool) {
        self.sharedTags = sharedTags
        self.sameAuthor = sameAuthor
        self.similarText = similarText
    }
}

public struct RelatedArticle: Sendable {
    public let article: Article
    public let score: Double
    public let reason: RelatedReason

    package init(article: Article, score: Double, reason: RelatedReason) {
        self.article = article
        self.score = score
        self.reason = reason
    }
}

/// One published article's address and last change, for the sitemap.
public struct SitemapEntry: Sendable, Equatable {
    public let slug: String
    public let canonicalURL: String?
    public let updatedAt: Timestamp

    package init(slug: String, canonicalURL: String?, updatedAt: Timestamp) {
        self.slug = slug
        self.canonicalURL = canonicalURL
        self.updatedAt = updatedAt
    }
}
