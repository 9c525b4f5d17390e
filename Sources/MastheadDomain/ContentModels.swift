/// What the stores return: the publication's content as read, independent of both the
/// table layout and the JSON the API serves.

/// An article's state as readers see it. `scheduled` is a published article whose
/// publication time has not come yet.
public enum ArticleStatus: String, Sendable, CaseIterable {
    case draft
    case published
    case scheduled

    /// The state at `now` of an article stored with `storedStatus` and `publishedAt`.
    package static func at(_ now: Timestamp, storedStatus: String, publishedAt: Timestamp?) -> ArticleStatus {
        guard storedStatus == PublicVisibility.publishedStatus, publishedAt != nil else { return .draft }
        return PublicVisibility.isVisible(storedStatus: storedStatus, publishedAt: publishedAt, at: now)
            ? .published : .scheduled
    }
}

/// The body renderings an article can be served with.
public enum BodyFormat: String, Sendable, CaseIterable {
    case html
    case markdown
    case plaintext
}

public struct AuthorSummary: Sendable, Equatable {
    public let id: Int64
    public let slug: String
    public let name: String
    public let avatarURL: String?

    package init(id: Int64, slug: String, name: String, avatarURL: String?) {
        self.id = id
        self.slug = slug
        self.name = name
        self.avatarURL = avatarURL
    }
}

public struct TagSummary: Sendable, Equatable {
    public let id: Int64
    public let slug: String
    public let name: String

    package init(id: Int64, slug: String, name: String) {
        self.id = id
        self.slug = slug
        self.name = name
    }
}

public struct Article: Sendable {
    public let id: Int64
    public let slug: String
    public let title: String
    public let excerpt: String
    public let status: ArticleStatus
    public let featured: Bool
    public let publishedAt: Timestamp?
    public let createdAt: Timestamp
    public let updatedAt: Timestamp
    public let readingTimeMinutes: Int
    public let wordCount: Int
    public let views: Int
    public let details: ArticleDetails
    /// The editor's own excerpt; nil when `excerpt` is the start of the body.
    public let customExcerpt: String?
    /// Grows with every write to the article.
    public let revision: Int
    public let author: AuthorSummary
    /// In the editor's order; the first is the primary tag.
    public package(set) var tags: [TagSummary]
    /// Only the renderings that were asked for are loaded; the others are nil.
    public package(set) var bodyHTML: String?
    public let bodyMarkdown: String?
    public let bodyPlaintext: String?

    package init(
        id: Int64,
        slug: String,
        title: String,
        excerpt: String,
        status: ArticleStatus,
        featured: Bool,
        publishedAt: Timestamp?,
        createdAt: Timestamp,
        updatedAt: Timestamp,
        readingTimeMinutes: Int,
        wordCount: Int,
        views: Int,
        details: ArticleDetails,
        customExcerpt: String?,
        revision: Int,
        author: AuthorSummary,
        tags: [TagSummary],
        bodyHTML: String? = nil,
        bodyMarkdown: String?,
        bodyPlaintext: String?
    ) {
        self.id = id
        self.slug = slug
        self.title = title
        self.excerpt = excerpt
        self.status = status
        self.featured = featured
        self.publishedAt = publishedAt
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.readingTimeMinutes = readingTimeMinutes
        self.wordCount = wordCount
        self.views = views
        self.details = details
        self.customExcerpt = customExcerpt
        self.revision = revision
        self.author = author
        self.tags = tags
        self.bodyHTML = bodyHTML
        self.bodyMarkdown = bodyMarkdown
        self.bodyPlaintext = bodyPlaintext
    }
}

public struct Author: Sendable {
    public let id: Int64
    public let slug: String
    public let name: String
    public let details: AuthorDetails
    /// Published articles only.
    public let articleCount: Int
    public let revision: Int
    public let createdAt: Timestamp
    public let updatedAt: Timestamp

    package init(
        id: Int64,
        slug: String,
        name: String,
        details: AuthorDetails,
        articleCount: Int,
        revision: Int,
        createdAt: Timestamp,
        updatedAt: Timestamp
    ) {
        self.id = id
        self.slug = slug
        self.name = name
        self.details = details
        self.articleCount = articleCount
        self.revision = revision
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}

public struct Tag: Sendable {
    public let id: Int64
    public let slug: String
    public let name: String
    public let details: TagDetails
    /// Published articles only.
    public let articleCount: Int
    public let revision: Int

    package init(
        id: Int64,
        slug: String,
        name: String,
        details: TagDetails,
        articleCount: Int,
        revision: Int
    ) {
        self.id = id
        self.slug = slug
        self.name = name
        self.details = details
        self.articleCount = articleCount
        self.revision = revision
    }
}

public struct Platform: Sendable {
    public struct ServiceLink: Sendable, Equatable {
        public let slug: String
        public let title: String

        package init(slug: String, title: String) {
            self.slug = slug
            self.title = title
        }
    }

    public let id: Int64
    public let slug: String
    public let name: String
    public let focus: String
    public let tagline: String
    public let description: String
    public let details: PlatformDetails
    public let position: Int
    public let revision: Int
    /// In the services' own order.
    public package(set) var services: [ServiceLink]

    package init(
        id: Int64,
        slug: String,
        name: String,
        focus: String,
        tagline: String,
        description: String,
        details: PlatformDetails,
        position: Int,
        revision: Int,
        services: [ServiceLink]
    ) {
        self.id = id
        self.slug = slug
        self.name = name
        self.focus = focus
        self.tagline = tagline
        self.description = description
        self.details = details
        self.position = position
        self.revision = revision
        self.services = services
    }
}

public struct Service: Sendable {
    public struct PlatformLink: Sendable, Equatable {
        public let slug: String
        public let name: String

        package init(slug: String, name: String) {
            self.slug = slug
            self.name = name
        }
    }

    public let id: Int64
    public let slug: String
    public let title: String
    public let subtitle: String
    public let description: String
    public let position: Int
    public let revision: Int
    /// In the platforms' own order.
    public package(set) var platforms: [PlatformLink]

    package init(
        id: Int64,
        slug: String,
        title: String,
        subtitle: String,
        description: String,
        position: Int,
        revision: Int,
        platforms: [PlatformLink]
    ) {
        self.id = id
        self.slug = slug
        self.title = title
        self.subtitle = subtitle
        self.description = description
        self.position = position
        self.revision = revision
        self.platforms = platforms
    }
}

public struct Site: Sendable, Equatable {
    public let title: String
    public let description: String
    /// One line the front page says about the whole catalog; empty when it says nothing.
    public var tagline: String = ""
    public let url: String
    public let locale: String
    public let timezone: String
    public var revision: Int = 1

    package init(
        title: String,
        description: String,
        tagline: String = "",
        url: String,
        locale: String,
        timezone: String,
        revision: Int = 1
    ) {
        self.title = title
        self.description = description
        self.tagline = tagline
        self.url = url
        self.locale = locale
        self.timezone = timezone
        self.revision = revision
    }
}

/// Offset paging: page `number` (from 1) of `limit` items.
public struct PageRequest: Sendable, Equatable {
    public let number: Int
    public let limit: Int

    public init(number: Int, limit: Int) {
        self.number = number
        self.limit = limit
    }

    package var offset: Int { (number - 1) * limit }
}

/// One page of a collection and the size of the whole collection.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let total: Int

    package init(items: [Item], total: Int) {
        self.items = items
        self.total = total
    }
}

/// A slug a write named that does not exist: `field` is the body's field, `index` the
/// position in a list field.
public struct MissingReference: Sendable, Equatable {
    public let field: String
    public let index: Int?
    public let slug: String

    package init(field: String, index: Int?, slug: String) {
        self.field = field
        self.index = index
        self.slug = slug
    }
}

/// Errors a store reports; the HTTP layer maps them to problem responses in one place.
public enum StoreError: Error, Equatable {
    /// No `resource` with that slug (or number) is visible.
    case notFound(resource: ResourceKind, slug: String)
    /// The write would break a rule of the stored data: a taken slug, an author who still
    /// has articles. `code` is stable for clients; `detail` says what to do.
    case conflict(code: String, detail: String)
    /// The resource changed since the revision the write was based on.
    case revisionChanged
    /// Slugs the write referred to that do not exist.
    case missingReferences([MissingReference])
    /// A query ran past its time budget and was stopped.
    case queryTimedOut(limit: Duration)
    /// A stored number (`what`: a revision, a view count) would leave its range
    /// (`StoredNumbers`); the one operation that would have moved it fails.
    case outOfRange(String)
}
