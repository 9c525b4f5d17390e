import Foundation

// The rules a write's input follows, read from a JSON document one field at a time
// (`FieldReader`): the API's request bodies and an import's records are read through these
// alone, so the two cannot disagree.

extension AuthorInput {
    package static let fields = Set(["slug", "name"] + AuthorDetails.names)

    package static func read(from reader: inout FieldReader, existing: Bool) -> AuthorInput? {
        let name = reader.string("name", required: true, maxLength: 200)
        let slug = reader.slugChoice(titledBy: name, existing: existing, resource: .author)
        let details = AuthorDetails.read(from: &reader)
        guard let slug, let name, reader.errors.isEmpty else { return nil }
        return AuthorInput(slug: slug, name: name, details: details)
    }
}

extension TagInput {
    package static let fields = Set(["slug", "name"] + TagDetails.names)

    package static func read(from reader: inout FieldReader, existing: Bool) -> TagInput? {
        let name = reader.string("name", required: true, maxLength: 100)
        let slug = reader.slugChoice(titledBy: name, existing: existing, resource: .tag)
        let details = TagDetails.read(from: &reader)
        guard let slug, let name, reader.errors.isEmpty else { return nil }
        return TagInput(slug: slug, name: name, details: details)
    }
}

extension PlatformInput {
    package static let fields = Set(
        ["slug", "name", "focus", "tagline", "description", "position", "services"] + PlatformDetails.names
    )

    package static func read(from reader: inout FieldReader, existing: Bool) -> PlatformInput? {
        let name = reader.string("name", required: true, maxLength: 100)
        let slug = reader.slugChoice(titledBy: name, existing: existing, resource: .platform)
        let focus = reader.string("focus", required: true, maxLength: 200)
        let tagline = reader.string("tagline", required: true, maxLength: 300)
        let description = reader.string("description", required: true, maxLength: 5000)
        let details = PlatformDetails.read(from: &reader)
        let position = reader.integer("position", in: 0...1_000_000)
        let services = reader.slugs("services", maxCount: 100)
        guard let slug, let name, let focus, let tagline, let description, reader.errors.isEmpty else { return nil }
        return PlatformInput(
            slug: slug,
            name: name,
            focus: focus,
            tagline: tagline,
            description: description,
            details: details,
            position: position,
            services: services
        )
    }
}

extension ServiceInput {
    package static let fields: Set<String> = ["slug", "title", "subtitle", "description", "position", "platforms"]

    package static func read(from reader: inout FieldReader, existing: Bool) -> ServiceInput? {
        let title = reader.string("title", required: true, maxLength: 200)
        let slug = reader.slugChoice(titledBy: title, existing: existing, resource: .service)
        let subtitle = reader.string("subtitle", required: true, maxLength: 200)
        let description = reader.string("description", required: true, maxLength: 5000)
        let position = reader.integer("position", in: 0...1_000_000)
        let platforms = reader.slugs("platforms", maxCount: 100)
        guard let slug, let title, let subtitle, let description, reader.errors.isEmpty else { return nil }
        return ServiceInput(
            slug: slug,
            title: title,
            subtitle: subtitle,
            description: description,
            position: position,
            platforms: platforms
        )
    }
}

extension SiteInput {
    package static let fields: Set<String> = ["title", "description", "tagline", "url", "locale", "timezone"]

    /// Title up to 200 characters, a tagline up to 200 (absent is empty), an http(s) URL, a BCP 47 locale (`en`, `en-GB`) and an
    /// IANA time zone (`Europe/London`).
    package static func read(from reader: inout FieldReader) -> SiteInput? {
        let title = reader.string("title", required: true, maxLength: 200)
        let description = reader.string("description", maxLength: 1000) ?? ""
        let tagline = reader.string("tagline", maxLength: 200) ?? ""
        let url = reader.url("url")
        if url == nil && reader.errors.allSatisfy({ $0.pointer != "/url" }) {
            reader.add("url", "required", "url is required")
        }
        let locale = reader.string("locale", maxLength: 35) ?? "en"
        if locale.range(of: "^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", options: .regularExpression) == nil {
            reader.add("locale", "invalid_value", "locale must be a language tag such as en or en-GB")
        }
        let timezone = reader.string("timezone", maxLength: 64) ?? "UTC"
        if TimeZone(identifier: timezone) == nil {
            reader.add("timezone", "invalid_value", "timezone must be an IANA time zone such as Europe/London")
        }
        guard let title, let url, reader.errors.isEmpty else { return nil }
        return SiteInput(
            title: title,
            description: description,
            tagline: tagline,
            url: url,
            locale: locale,
            timezone: timezone
        )
    }
}

extension ArticleInput {
    package static let fields = Set(
        ["slug", "title", "excerpt", "body_markdown", "status", "published_at", "featured", "author", "tags"]
            + ArticleDetails.names
    )

    /// Titles up to 200 characters, excerpts up to 500, bodies up to 200,000 characters of
    /// Markdown, details as `ArticleDetails.fields` says.
    /// `scheduled` needs a future `published_at`; `published` without one publishes now.
    package static func read(from reader: inout FieldReader, existing: Bool, now: Timestamp) -> ArticleInput? {
        let title = reader.string("title", required: true, maxLength: 200)
        let slug = reader.slugChoice(titledBy: title, existing: existing, resource: .article)
        let excerpt = reader.string("excerpt", maxLength: 500)
        let body = reader.text("body_markdown", required: true, maxLength: 200_000)
        let publishedAt = reader.timestamp("published_at")
        let status = readStatus(&reader, publishedAt: publishedAt, now: now)
        let featured = reader.boolean("featured") ?? false
        let author = reader.slug("author", required: true)
        let tags = reader.slugs("tags", maxCount: ArticleListQuery.maximumTags)
        let details = ArticleDetails.read(from: &reader)
        guard let slug, let title, let body, let status, let author, reader.errors.isEmpty else { return nil }
        return ArticleInput(
            slug: slug,
            title: title,
            customExcerpt: excerpt,
            bodyMarkdown: body,
            status: status,
            publishedAt: publishedAt,
            featured: featured,
            author: author,
            tags: tags,
            details: details
        )
    }

    private static func readStatus(_ reader: inout FieldReader, publishedAt: Timestamp?, now: Timestamp)
        -> StoredStatus?
    {
        guard let text = reader.string("status", maxLength: 20) else { return .draft }
        switch ArticleStatus(rawValue: text) {
        case .draft?: return .draft
        case .published?: return .published
        case .scheduled?:
            guard let publishedAt, publishedAt > now else {
                reader.add("published_at", "must_be_future", "a scheduled article needs a published_at in the future")
                return nil
            }
            return .published
        case nil:
            reader.add("status", "invalid_value", "status must be draft, published or scheduled")
            return nil
        }
    }
}

extension FieldReader {
    /// The slug a body asks for: the given one, else (on create) one made from the title.
    /// The slug given, else (on create) one made from the title. A title with nothing to
    /// make a slug of (`»`, `你好`) gets the resource's name, numbered like any derived slug
    /// (`tag`, `tag-2`…): a title in any script is accepted.
    package mutating func slugChoice(titledBy title: String?, existing: Bool, resource: ResourceKind) -> SlugChoice? {
        if let slug = slug("slug") { return .given(slug) }
        if existing { return .keep }
        guard let title else { return nil }
        return .derived(Slug(derivingFrom: title) ?? Slug(parsing: resource.rawValue)!)
    }
}
