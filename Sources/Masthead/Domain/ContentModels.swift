/// What the stores return: the publication's content as read, independent of both the
/// table layout and the JSON the API serves.

/// An article's state as readers see it. `scheduled` is a published article whose
/// publication time has not come yet.
public enum ArticleStatus: String, Sendable, CaseIterable {
    case draft
    case published
    case scheduled

    /// The state at `now` of an article stored with `storedStatus` and `publishedAt`.
    static func at(_ now: Timestamp, storedStatus: String, publishedAt: Timestamp?) -> ArticleStatus {
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
}

public struct TagSummary: Sendable, Equatable {
    public let id: Int64
    public let slug: String
    public let name: String
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
    public let coverImageURL: String?
    public let coverImageAlt: String?
    public let seoTitle: String?
    public let seoDescription: String?
    public let canonicalURL: String?
    /// The editor's own excerpt; nil when `excerpt` is the start of the body.
    public let customExcerpt: String?
    /// Grows with every write to the article.
    public let revision: Int
    public let author: AuthorSummary
    /// In the editor's order; the first is the primary tag.
    public internal(set) var tags: [TagSummary]
    /// Only the renderings that were asked for are loaded; the others are nil.
    public internal(set) var bodyHTML: String?
    public let bodyMarkdown: String?
    public let bodyPlaintext: String?
}

public struct Author: Sendable {
    public let id: Int64
    public let slug: String
    public let name: String
    public let bio: String?
    public let avatarURL: String?
    public let websiteURL: String?
    public let location: String?
    /// Published articles only.
    public let articleCount: Int
    public let revision: Int
    public let createdAt: Timestamp
    public let updatedAt: Timestamp
}

public struct Tag: Sendable {
    public let id: Int64
    public let slug: String
    public let name: String
    public let description: String?
    /// Published articles only.
    public let articleCount: Int
    public let revision: Int
}

public struct Platform: Sendable {
    public struct ServiceLink: Sendable, Equatable {
        public let slug: String
        public let title: String
    }

    public let id: Int64
    public let slug: String
    public let name: String
    public let focus: String
    public let tagline: String
    public let description: String
    public let url: String?
    public let position: Int
    public let revision: Int
    /// In the services' own order.
    public internal(set) var services: [ServiceLink]
}

public struct Service: Sendable {
    public struct PlatformLink: Sendable, Equatable {
        public let slug: String
        public let name: String
    }

    public let id: Int64
    public let slug: String
    public let title: String
    public let subtitle: String
    public let description: String
    public let position: Int
    public let revision: Int
    /// In the platforms' own order.
    public internal(set) var platforms: [PlatformLink]
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
}

/// Offset paging: page `number` (from 1) of `limit` items.
public struct PageRequest: Sendable, Equatable {
    public let number: Int
    public let limit: Int

    public init(number: Int, limit: Int) {
        self.number = number
        self.limit = limit
    }

    var offset: Int { (number - 1) * limit }
}

/// One page of a collection and the size of the whole collection.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let total: Int
}

/// A slug a write named that does not exist: `field` is the body's field, `index` the
/// position in a list field.
public struct MissingReference: Sendable, Equatable {
    public let field: String
    public let index: Int?
    public let slug: String
}

/// Errors a store reports; the HTTP layer maps them to problem responses in one place.
public enum StoreError: Error, Equatable {
    /// No `resource` (e.g. "article") with that slug is visible.
    case notFound(resource: String, slug: String)
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
