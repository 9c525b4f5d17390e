/// Validated content as writes hand it to the stores: every value already parsed into its
/// domain type; only what needs the database (slugs that must exist or be free) is left.

/// Where a written resource's slug comes from.
public enum SlugChoice: Sendable, Equatable {
    /// The client named it: taken is a 409.
    case given(Slug)
    /// Made from the title: when taken, `-2`, `-3`… is appended.
    case derived(Slug)
    /// Not given on a replace: the resource keeps its slug.
    case keep
}

/// An input for a resource addressed by slug.
public protocol SluggedInput: Sendable {
    var slug: SlugChoice { get }
}

public struct ArticleInput: SluggedInput, Equatable {
    /// What an editor stores; `scheduled` is `published` with a future time.
    public enum StoredStatus: String, Sendable {
        case draft
        case published
    }

    public var slug: SlugChoice
    public var title: String
    public var customExcerpt: String?
    public var bodyMarkdown: String
    public var status: StoredStatus
    public var publishedAt: Timestamp?
    public var featured: Bool
    public var author: Slug
    public var tags: [Slug]
    public var details: ArticleDetails

    package init(
        slug: SlugChoice,
        title: String,
        customExcerpt: String? = nil,
        bodyMarkdown: String,
        status: StoredStatus,
        publishedAt: Timestamp? = nil,
        featured: Bool,
        author: Slug,
        tags: [Slug],
        details: ArticleDetails = ArticleDetails()
    ) {
        self.slug = slug
        self.title = title
        self.customExcerpt = customExcerpt
        self.bodyMarkdown = bodyMarkdown
        self.status = status
        self.publishedAt = publishedAt
        self.featured = featured
        self.author = author
        self.tags = tags
        self.details = details
    }
}

public struct AuthorInput: SluggedInput, Equatable {
    public var slug: SlugChoice
    public var name: String
    public var details: AuthorDetails

    public init(slug: SlugChoice, name: String, details: AuthorDetails = AuthorDetails()) {
        self.slug = slug
        self.name = name
        self.details = details
    }
}

public struct TagInput: SluggedInput, Equatable {
    public var slug: SlugChoice
    public var name: String
    public var details: TagDetails

    public init(slug: SlugChoice, name: String, details: TagDetails = TagDetails()) {
        self.slug = slug
        self.name = name
        self.details = details
    }
}

public struct PlatformInput: SluggedInput, Equatable {
    public var slug: SlugChoice
    public var name: String
    public var focus: String
    public var tagline: String
    public var description: String
    public var details: PlatformDetails
    /// Nil: after the last platform on create, unchanged on replace.
    public var position: Int?
    public var services: [Slug]

    package init(
        slug: SlugChoice,
        name: String,
        focus: String,
        tagline: String,
        description: String,
        details: PlatformDetails = PlatformDetails(),
        position: Int? = nil,
        services: [Slug]
    ) {
        self.slug = slug
        self.name = name
        self.focus = focus
        self.tagline = tagline
        self.description = description
        self.details = details
        self.position = position
        self.services = services
    }
}

public struct ServiceInput: SluggedInput, Equatable {
    public var slug: SlugChoice
    public var title: String
    public var subtitle: String
    public var description: String
    public var position: Int?
    public var platforms: [Slug]

    package init(
        slug: SlugChoice,
        title: String,
        subtitle: String,
        description: String,
        position: Int? = nil,
        platforms: [Slug]
    ) {
        self.slug = slug
        self.title = title
        self.subtitle = subtitle
        self.description = description
        self.position = position
        self.platforms = platforms
    }
}

public struct SiteInput: Sendable, Equatable {
    public var title: String
    public var description: String
    public var tagline: String = ""
    public var url: String
    public var locale: String
    public var timezone: String

    package init(
        title: String,
        description: String,
        tagline: String = "",
        url: String,
        locale: String,
        timezone: String
    ) {
        self.title = title
        self.description = description
        self.tagline = tagline
        self.url = url
        self.locale = locale
        self.timezone = timezone
    }
}
