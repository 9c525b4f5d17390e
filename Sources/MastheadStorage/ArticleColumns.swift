import MastheadDomain

/// The article columns both engines' schemas share, by the same names (SQLite's migrations
/// and PostgreSQL's reach the same tables): what a read of articles selects, and what
/// each sort orders by.
package enum ArticleColumns {
    private static let summary = """
        a.id, a.slug, a.title, a.excerpt, a.status, a.featured, a.published_at, a.created_at, a.updated_at,
        a.reading_time_minutes, a.word_count, a.views, \(ArticleDetails.fields.map { "a." + $0.name }.joined(separator: ", ")),
        a.custom_excerpt, a.revision,
        au.id AS author_id, au.slug AS author_slug, au.name AS author_name, au.avatar_url AS author_avatar_url
        """

    /// The columns of an article row; with bodies, the query joins `bodyJoin(bodies)`.
    package static func selection(bodies: Set<BodyFormat>) -> String {
        summary + (bodies.contains(.html) || bodies.contains(.markdown) ? ", b.markdown AS body_markdown" : "")
            + (bodies.contains(.plaintext) ? ", b.plaintext AS body_plaintext" : "")
    }

    /// Bodies live in their own table, joined only when asked for.
    package static func bodyJoin(_ bodies: Set<BodyFormat>) -> String {
        bodies.isEmpty ? "" : " JOIN article_bodies b ON b.article_id = a.id"
    }

    /// What a sort orders by. Drafts may have no publication time; lists that include them
    /// order those by creation. Titles sort as `caseFolded` makes them (each engine's NOCASE).
    package static func column(
        for field: ArticleSortField,
        visibility: ArticleVisibility,
        caseFolded: (String) -> String
    )
        -> String
    {
        switch field {
        case .publishedAt:
            visibility == .drafts || visibility == .all ? "COALESCE(a.published_at, a.created_at)" : "a.published_at"
        case .updatedAt: "a.updated_at"
        case .title: caseFolded("a.title")
        case .views: "a.views"
        }
    }

    /// `column` in the sort's direction, ids breaking ties the same way.
    package static func ordering(for sort: ArticleSort, visibility: ArticleVisibility, caseFolded: (String) -> String)
        -> String
    {
        let direction = sort.descending ? " DESC" : ""
        return column(for: sort.field, visibility: visibility, caseFolded: caseFolded) + direction + ", a.id"
            + direction
    }

    /// The tag of a public timeline of one tag with no filter that needs the article row.
    /// Both engines read such a list from the tag's links alone (`article_tags.visible_from`):
    /// count and page order from one index, the articles joined for the page's rows only.
    package static func timelineTag(of query: ArticleListQuery) -> Slug? {
        guard
            query.tags.count == 1, query.visibility == .published, query.search == nil, query.author == nil,
            query.featured == nil, query.effectiveSort?.field == .publishedAt
        else { return nil }
        return query.tags.first
    }

    /// How a list is ordered and paged by publication time: `order` (the id breaking ties),
    /// and `stored`, the time as stored, which date filters compare.
    package struct Time {
        package let order: String
        package let stored: String
        package let id: String

        /// A tag's links carry their article's publication time.
        package static let tagLinks = Time(order: "at.visible_from", stored: "at.visible_from", id: "at.article_id")

        package static func articles(_ visibility: ArticleVisibility) -> Time {
            Time(
                order: ArticleColumns.column(for: .publishedAt, visibility: visibility) { $0 },
                stored: "a.published_at",
                id: "a.id"
            )
        }
    }
}
