import MastheadDomain
import MastheadStorage

/// The top-level fields of an article as served; `fields=` may pick any of them.
package enum ArticleField: Hashable, Sendable {
    case id, slug, title, excerpt, status, featured, publishedAt, createdAt, updatedAt, readingTimeMinutes
    case wordCount, views
    /// One of the article's details: its place in `ArticleDetails.fields`.
    case detail(Int)
    case author, tags, primaryTag, bodyHTML, bodyMarkdown, bodyPlaintext

    /// Every field, in the contract's order.
    package static let allCases: [ArticleField] =
        [
            .id, .slug, .title, .excerpt, .status, .featured, .publishedAt, .createdAt, .updatedAt,
            .readingTimeMinutes, .wordCount, .views,
        ] + ArticleDetails.fields.indices.map(ArticleField.detail)
        + [.author, .tags, .primaryTag, .bodyHTML, .bodyMarkdown, .bodyPlaintext]

    /// The field's name in a response and in `fields=`.
    package var rawValue: String {
        switch self {
        case .id: "id"
        case .slug: "slug"
        case .title: "title"
        case .excerpt: "excerpt"
        case .status: "status"
        case .featured: "featured"
        case .publishedAt: "published_at"
        case .createdAt: "created_at"
        case .updatedAt: "updated_at"
        case .readingTimeMinutes: "reading_time_minutes"
        case .wordCount: "word_count"
        case .views: "views"
        case .detail(let index): ArticleDetails.fields[index].name
        case .author: "author"
        case .tags: "tags"
        case .primaryTag: "primary_tag"
        case .bodyHTML: "body_html"
        case .bodyMarkdown: "body_markdown"
        case .bodyPlaintext: "body_plaintext"
        }
    }

    private static let named = Dictionary(uniqueKeysWithValues: allCases.map { ($0.rawValue, $0) })

    package init?(rawValue: String) {
        guard let field = Self.named[rawValue] else { return nil }
        self = field
    }

    /// The field that carries a body rendering.
    package init(_ format: BodyFormat) {
        switch format {
        case .html: self = .bodyHTML
        case .markdown: self = .bodyMarkdown
        case .plaintext: self = .bodyPlaintext
        }
    }

    /// The body rendering this field carries, if it is a body field.
    package var bodyFormat: BodyFormat? {
        switch self {
        case .bodyHTML: .html
        case .bodyMarkdown: .markdown
        case .bodyPlaintext: .plaintext
        default: nil
        }
    }

    package static let nonBody = allCases.filter { $0.bodyFormat == nil }
}

/// Which fields of an article a response carries, from the `fields` and `formats` parameters.
///
/// Without `fields`, every non-body field is served; with it, exactly the fields listed.
/// Body fields come from `formats` (default: `html` for one article, none in lists), and
/// naming a body field in `fields` asks for that rendering too.
package struct ArticleSelection: Sendable, Equatable {
    package let fields: Set<ArticleField>

    package init(fields requested: [ArticleField]?, formats: [BodyFormat]?, defaultFormats: [BodyFormat]) {
        var fields = Set(requested ?? ArticleField.nonBody)
        let formats = formats ?? (requested == nil ? defaultFormats : [])
        fields.formUnion(formats.map(ArticleField.init))
        self.fields = fields
    }

    /// What a list serves without `fields` or `formats`: every field but the bodies.
    package static let listDefault = ArticleSelection(fields: nil, formats: nil, defaultFormats: [])

    /// The renderings the store has to load.
    package var bodies: Set<BodyFormat> {
        Set(fields.compactMap(\.bodyFormat))
    }
}

extension AuthorSummary: JSONEncodable {
    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("id", id)
            object.field("slug", slug)
            object.field("name", name)
            object.field("avatar_url", avatarURL)
        }
    }
}

extension RelatedReason: JSONEncodable {
    /// `{"shared_tags": [...], "same_author": true}` or `{"similar_text": true}`.
    package func encode(to json: inout JSONWriter) {
        json.object { object in
            if similarText {
                object.field("similar_text", true)
            } else {
                object.field("shared_tags", sharedTags)
                object.field("same_author", sameAuthor)
            }
        }
    }
}

extension TagSummary: JSONEncodable {
    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("id", id)
            object.field("slug", slug)
            object.field("name", name)
        }
    }
}

/// What some lists add to each article.
package enum ArticleExtra {
    /// Popular articles: views within the window asked for.
    case viewsInWindow(Int)
    /// Related articles: how related, and why.
    case related(Double, RelatedReason)
}

/// An article as served, carrying only the selected fields; its feature image from `shelf`.
package struct ArticleResponse: JSONEncodable {
    package let article: Article
    package let selection: ArticleSelection
    package var extra: ArticleExtra? = nil
    package let shelf: MediaShelf

    package init(article: Article, selection: ArticleSelection, extra: ArticleExtra? = nil, shelf: MediaShelf) {
        self.article = article
        self.selection = selection
        self.extra = extra
        self.shelf = shelf
    }

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            // Keys in the contract's order, whatever order `fields` named them in.
            for field in ArticleField.allCases where selection.fields.contains(field) {
                write(field, into: &object)
            }
            switch extra {
            case .viewsInWindow(let views)?:
                object.field("views_in_window", views)
            case .related(let score, let reason)?:
                object.field("score", score)
                object.field("reason", reason)
            case nil:
                break
            }
        }
    }

    private func write(_ field: ArticleField, into object: inout JSONWriter) {
        let key = field.rawValue
        switch field {
        case .id: object.field(key, article.id)
        case .slug: object.field(key, article.slug)
        case .title: object.field(key, article.title)
        case .excerpt: object.field(key, article.excerpt)
        case .status: object.field(key, article.status.rawValue)
        case .featured: object.field(key, article.featured)
        case .publishedAt: object.field(key, article.publishedAt)
        case .createdAt: object.field(key, article.createdAt)
        case .updatedAt: object.field(key, article.updatedAt)
        case .readingTimeMinutes: object.field(key, article.readingTimeMinutes)
        case .wordCount: object.field(key, article.wordCount)
        case .views: object.field(key, article.views)
        case .detail where key == "feature_image": object.field(key, shelf.image(article.details.featureImage))
        case .detail(let index): object.field(key, article.details[ArticleDetails.fields[index]])
        case .author: object.field(key, article.author)
        case .tags: object.field(key, article.tags)
        case .primaryTag: object.field(key, article.tags.first)
        case .bodyHTML: object.field(key, article.bodyHTML)
        case .bodyMarkdown: object.field(key, article.bodyMarkdown)
        case .bodyPlaintext: object.field(key, article.bodyPlaintext)
        }
    }
}
