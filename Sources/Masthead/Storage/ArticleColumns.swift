/// The article columns both engines' schemas share, by the same names (SQLite's migrations
/// and PostgreSQL's reach the same tables): what a read of articles selects, and what
/// each sort orders by.
enum ArticleColumns {
    private static let summary = """
        a.id, a.slug, a.title, a.excerpt, a.status, a.featured, a.published_at, a.created_at, a.updated_at,
        a.reading_time_minutes, a.word_count, a.views, a.cover_image_url, a.cover_image_alt, a.seo_title,
        a.seo_description, a.canonical_url, a.custom_excerpt, a.revision,
        au.id AS author_id, au.slug AS author_slug, au.name AS author_name, au.avatar_url AS author_avatar_url
        """

    /// The columns of an article row; with bodies, the query joins `bodyJoin(bodies)`.
    static func selection(bodies: Set<BodyFormat>) -> String {
        summary + (bodies.contains(.html) || bodies.contains(.markdown) ? ", b.markdown AS body_markdown" : "")
            + (bodies.contains(.plaintext) ? ", b.plaintext AS body_plaintext" : "")
    }

    /// Bodies live in their own table, joined only when asked for.
    static func bodyJoin(_ bodies: Set<BodyFormat>) -> String {
        bodies.isEmpty ? "" : " JOIN article_bodies b ON b.article_id = a.id"
    }

    /// What a sort orders by. Drafts may have no publication time; lists that include them
    /// order those by creation. Titles sort as `caseFolded` makes them (each engine's NOCASE).
    static func column(for field: ArticleSortField, visibility: ArticleVisibility, caseFolded: (String) -> String)
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
    static func ordering(for sort: ArticleSort, visibility: ArticleVisibility, caseFolded: (String) -> String) -> String
    {
        let direction = sort.descending ? " DESC" : ""
        return column(for: sort.field, visibility: visibility, caseFolded: caseFolded) + direction + ", a.id"
            + direction
    }
}
