import MastheadDomain
import MastheadStorage

/// Articles in the shared write flow. A body names its author and tags by slug.
package struct ArticleCollection: WritableCollection {
    package let authors: any AuthorStore
    package let tags: any TagStore
    package let clock: ContentClock

    package static var resourceKind: ResourceKind { .article }
    package static var invalidates: Set<CacheScope> { [.articles, .authors, .tags, .search, .feeds] }
    package static var path: String { "/v1/articles" }
    package static var writableFields: Set<String> { ArticleInput.fields }

    package func missingReferences(in document: JSONObject) async throws -> [FieldError] {
        try await authors.missing(in: document, field: "author") + tags.missing(in: document, field: "tags")
    }

    package func slug(of article: Article) -> String { article.slug }
    package func version(of article: Article) -> ResourceVersion { article.version }

    package func representation(of article: Article) -> ArticleResponse {
        ArticleResponse(article: article, selection: .detailDefault)
    }

    package func document(of article: Article) -> JSONObject {
        var document: JSONObject = [
            "slug": .string(article.slug),
            "title": .string(article.title),
            "status": .string(article.status.rawValue),
            "featured": .bool(article.featured),
            "author": .string(article.author.slug),
            "tags": .array(article.tags.map { .string($0.slug) }),
        ]
        document["body_markdown"] = article.bodyMarkdown.map(JSONValue.string)
        document["excerpt"] = article.customExcerpt.map(JSONValue.string)
        document["published_at"] = article.publishedAt.map { .string($0.rfc3339) }
        document["cover_image_url"] = article.coverImageURL.map(JSONValue.string)
        document["cover_image_alt"] = article.coverImageAlt.map(JSONValue.string)
        document["seo_title"] = article.seoTitle.map(JSONValue.string)
        document["seo_description"] = article.seoDescription.map(JSONValue.string)
        document["canonical_url"] = article.canonicalURL.map(JSONValue.string)
        return document
    }

    package func input(from reader: inout FieldReader, existing: Article?) -> ArticleInput? {
        ArticleInput.read(from: &reader, existing: existing != nil, now: clock.now)
    }
}

extension ArticleInput {
    package static let fields: Set<String> = [
        "slug", "title", "excerpt", "body_markdown", "status", "published_at", "featured", "author", "tags",
        "cover_image_url", "cover_image_alt", "seo_title", "seo_description", "canonical_url",
    ]

    /// Titles up to 200 characters, excerpts up to 500, bodies up to 200,000 characters of Markdown.
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
        let coverImageURL = reader.url("cover_image_url")
        let coverImageAlt = reader.string("cover_image_alt", maxLength: 300)
        let seoTitle = reader.string("seo_title", maxLength: 200)
        let seoDescription = reader.string("seo_description", maxLength: 500)
        let canonicalURL = reader.url("canonical_url")
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
            coverImageURL: coverImageURL,
            coverImageAlt: coverImageAlt,
            seoTitle: seoTitle,
            seoDescription: seoDescription,
            canonicalURL: canonicalURL
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

extension ArticleSelection {
    /// What `GET /v1/articles/{slug}` serves without `fields` or `formats`.
    package static let detailDefault = ArticleSelection(fields: nil, formats: nil, defaultFormats: [.html])
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
