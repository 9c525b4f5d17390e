// Each kind's details (`Details`): a new one is a property and a line here, its two
// migrations and `openapi.yaml`.

/// An article's details (`Details`): the cover image, the title and description for search
/// engines, the canonical address, and its feature image (a media asset's id).
public struct ArticleDetails: Details {
    public var coverImageURL: String?
    public var coverImageAlt: String?
    public var seoTitle: String?
    public var seoDescription: String?
    public var canonicalURL: String?
    public var featureImage: Int?

    public static let fields: [DetailField<ArticleDetails>] = [
        .url("cover_image_url", \.coverImageURL),
        .text("cover_image_alt", maxLength: 300, \.coverImageAlt),
        .text("seo_title", maxLength: 200, \.seoTitle),
        .text("seo_description", maxLength: 500, \.seoDescription),
        .url("canonical_url", \.canonicalURL),
        .number("feature_image", in: MediaReference.ids, \.featureImage),
    ]

    public init() {}

    package init(
        coverImageURL: String? = nil,
        coverImageAlt: String? = nil,
        seoTitle: String? = nil,
        seoDescription: String? = nil,
        canonicalURL: String? = nil,
        featureImage: Int? = nil
    ) {
        self.coverImageURL = coverImageURL
        self.coverImageAlt = coverImageAlt
        self.seoTitle = seoTitle
        self.seoDescription = seoDescription
        self.canonicalURL = canonicalURL
        self.featureImage = featureImage
    }
}

/// An author's details (`Details`); `avatar` is a media asset's id, their photo.
public struct AuthorDetails: Details {
    public var bio: String?
    public var avatarURL: String?
    public var websiteURL: String?
    public var location: String?
    public var avatar: Int?

    public static let fields: [DetailField<AuthorDetails>] = [
        .text("bio", maxLength: 5000, \.bio),
        .url("avatar_url", \.avatarURL),
        .url("website_url", \.websiteURL),
        .text("location", maxLength: 200, \.location),
        .number("avatar", in: MediaReference.ids, \.avatar),
    ]

    public init() {}

    package init(
        bio: String? = nil,
        avatarURL: String? = nil,
        websiteURL: String? = nil,
        location: String? = nil,
        avatar: Int? = nil
    ) {
        self.bio = bio
        self.avatarURL = avatarURL
        self.websiteURL = websiteURL
        self.location = location
        self.avatar = avatar
    }
}

/// A tag's details (`Details`).
public struct TagDetails: Details {
    public var description: String?

    public static let fields: [DetailField<TagDetails>] = [
        .text("description", maxLength: 500, \.description)
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
        .url("url", \.url)
    ]

    public init() {}

    package init(url: String?) {
        self.url = url
    }
}
