import MastheadDomain
import MastheadStorage

/// Articles in the shared write flow. A body names its author and tags by slug.
package struct ArticleCollection: WritableCollection {
    package let authors: any AuthorStore
    package let tags: any TagStore
    package let clock: ContentClock
    package let media: MediaLibrary

    package static var resourceKind: ResourceKind { .article }
    package static var invalidates: Set<CacheScope> { [.articles, .authors, .tags, .search, .feeds] }
    package static var path: String { "/v1/articles" }
    package static var writableFields: Set<String> { ArticleInput.fields }

    package func missingReferences(in document: JSONObject, existing: Article?) async throws -> [FieldError] {
        try await authors.missing(in: document, field: "author") + tags.missing(in: document, field: "tags")
            + media.missing(in: document, field: "feature_image", unless: existing?.details.featureImage)
    }

    package func slug(of article: Article) -> String { article.slug }
    package func version(of article: Article) -> ResourceVersion { article.version }

    package func representation(of article: Article, shelf: MediaShelf) -> ArticleResponse {
        ArticleResponse(article: article, selection: .detailDefault, shelf: shelf)
    }

    package func shelf(for articles: [Article]) async throws -> MediaShelf {
        try await media.shelf(for: articles, .detailDefault)
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
        document.merge(article.details.document) { _, detail in detail }
        return document
    }

    package func input(from reader: inout FieldReader, existing: Article?) -> ArticleInput? {
        ArticleInput.read(from: &reader, existing: existing != nil, now: clock.now)
    }
}

extension ArticleSelection {
    /// What `GET /v1/articles/{slug}` serves without `fields` or `formats`.
    package static let detailDefault = ArticleSelection(fields: nil, formats: nil, defaultFormats: [.html])
}
