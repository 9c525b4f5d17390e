import MastheadDomain

/// The versions article writes leave behind (`ArticleRevision`). Each engine's article store
/// records them in the write's own transaction; this reads them.
public protocol RevisionStore: Sendable {
    /// The article's kept revisions, newest first, drafts' included. `StoreError.notFound`
    /// when there is no such article.
    func list(for slug: Slug, page: PageRequest) async throws -> Page<ArticleRevision>
    /// `StoreError.notFound` when there is no such article or it keeps no revision `number`.
    func find(_ number: Int, for slug: Slug) async throws -> ArticleRevision
}

/// Bounds the stores keep to, from the configuration.
public struct StoreLimits: Sendable {
    /// How long a full-text read (a search, an article list filtered by `q`) may run.
    public var searchTimeout: Duration
    /// How many revisions each article keeps, its current one included.
    public var revisionsKept: Int

    public static let defaultRevisionsKept = 50

    public init(searchTimeout: Duration = .seconds(2), revisionsKept: Int = Self.defaultRevisionsKept) {
        self.searchTimeout = searchTimeout
        self.revisionsKept = revisionsKept
    }
}
