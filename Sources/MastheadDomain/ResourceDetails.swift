// Each kind's details (`Details`): a new one is a property and a line here, its two
// migrations and `openapi.yaml`.

/// An article's details (`Details`): the cover image, the title and description for search
/// engines, the canonical address.
public struct ArticleDetails: Details {
    public var coverImageURL: String?
    public var coverImageAlt: String?
    public var seoTitle: String?
    public var seoDescription: String?
    public var canonicalURL: String?

    public static let fields: [DetailField<ArticleDetails>] = [
        DetailField("cover_image_url", .url, \.coverImageURL),
        DetailField("cover_image_alt", .text(maxLength: 300), \.coverImageAlt),
        DetailField("seo_title", .text(maxLength: 200), \.seoTitle),
        DetailField("seo_description", .text(maxLength: 500), \.seoDescription),
        DetailField("canonical_url", .url, \.canonicalURL),
    ]

    public init() {}

    package init(
        coverImageURL: String? = nil,
        coverImageAlt: String? = nil,
        seoTitle: String? = nil,
        seoDescription: String? = nil,
        canonicalURL: String? = nil
    ) {
        self.coverImageURL = coverImageURL
        self.coverImageAlt = coverImageAlt
        self.seoTitle = seoTitle
        self.seoDescription = seoDescription
        self.canonicalURL = canonicalURL
    }
}

/// An author's details (`Details`).
public struct AuthorDetails: Details {
    public var bio: String?
    public var avatarURL: String?
    public var websiteURL: String?
    public var location: String?

    public static let fields: [DetailField<AuthorDetails>] = [
        DetailField("bio", .text(maxLength: 5000), \.bio),
        DetailField("avatar_url", .url, \.avatarURL),
        DetailField("website_url", .url, \.websiteURL),
        DetailField("location", .text(maxLength: 200), \.location),
    ]

    public init() {}

    package init(bio: String? = nil, avatarURL: String? = nil, websiteURL: String? = nil, location: String? = nil) {
        self.bio = bio
        self.avatarURL = avatarURL
        self.websiteURL = websiteURL
        self.location = location
    }
}

/// A tag's details (`Details`).
public struct TagDetails: Details {
    public var description: String?

    public static let fields: [DetailField<TagDetails>] = [
        DetailField("description", .text(maxLength: 500), \.description)
    ]

    public init() {}

    package init(description: String?) {
        self.description = description
    }
}

/// A platform's details (`Details`).
public struct PlatformDetails: Details {
    public var url: String?

    public static let fields: [DetailField<PlatformDetails>] = [
        DetailField("url", .url, \.url)
    ]

    public init() {}

    package init(url: String?) {
        self.url = url
    }
}
