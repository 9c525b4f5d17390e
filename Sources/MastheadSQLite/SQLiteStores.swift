import MastheadDomain
import MastheadStorage

/// Articles, authors and tags in SQLite.
public struct SQLiteContentStore: ContentStore {
    public let articles: any ArticleStore
    public let authors: any AuthorStore
    public let tags: any TagStore

    public init(database: AppDatabase, clock: ContentClock, limits: StoreLimits = StoreLimits()) {
        self.articles = SQLiteArticleStore(database: database, clock: clock, limits: limits)
        self.authors = SQLiteAuthorStore(database: database, clock: clock)
        self.tags = SQLiteTagStore(database: database, clock: clock)
    }
}

extension Stores {
    /// Every store on one SQLite database.
    public static func sqlite(_ database: AppDatabase, clock: ContentClock, limits: StoreLimits = StoreLimits())
        -> Stores
    {
        sqlite(database, clock: clock, limits: limits, kinds: DescribedKinds.all)
    }

    /// Every store on one SQLite database, with `kinds` as its described kinds.
    package static func sqlite(
        _ database: AppDatabase,
        clock: ContentClock,
        limits: StoreLimits = StoreLimits(),
        kinds: [any DescribedInput.Type]
    ) -> Stores {
        Stores(
            content: SQLiteContentStore(database: database, clock: clock, limits: limits),
            catalog: SQLiteCatalogStore(database: database, clock: clock),
            tokens: SQLiteTokenStore(database: database, clock: clock),
            views: SQLiteViewStore(database: database, clock: clock),
            search: SQLiteSearchStore(database: database, clock: clock, searchTimeout: limits.searchTimeout),
            portability: SQLitePortabilityStore(database: database, clock: clock, kinds: kinds),
            previews: SQLitePreviewStore(database: database, clock: clock),
            revisions: SQLiteRevisionStore(database: database),
            webhooks: SQLiteWebhookStore(database: database, clock: clock),
            media: SQLiteMediaStore(database: database, clock: clock),
            described: SQLiteDescribedStores(database: database, clock: clock),
            describedKinds: kinds
        )
    }
}
