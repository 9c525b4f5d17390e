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
    public var coverImageURL: String?
    public var coverImageAlt: String?
    public var seoTitle: String?
    public var seoDescription: String?
    public var canonicalURL: String?
}

public struct AuthorInput: SluggedInput, Equatable {
    public var slug: SlugChoice
    public var name: String
    public var bio: String?
    public var avatarURL: String?
    public var websiteURL: String?
    public var location: String?
}

public struct TagInput: SluggedInput, Equatable {
    public var slug: SlugChoice
    public var name: String
    public var description: String?
}

public struct PlatformInput: SluggedInput, Equatable {
    public var slug: SlugChoice
    public var name: String
    public var focus: String
    public var tagline: String
    public var description: String
    public var url: String?
    /// Nil: after the last platform on create, unchanged on replace.
    public var position: Int?
    public var services: [Slug]
}

public struct ServiceInput: SluggedInput, Equatable {
    public var slug: SlugChoice
    public var title: String
    public var subtitle: String
    public var description: String
    public var position: Int?
    public var platforms: [Slug]
}

public struct SiteInput: Sendable, Equatable {
    public var title: String
    public var description: String
    public var tagline: String = ""
    public var url: String
    public var locale: String
    public var timezone: String
}
