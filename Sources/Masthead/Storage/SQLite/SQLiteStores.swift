/// Articles, authors and tags in SQLite.
public struct SQLiteContentStore: ContentStore {
    public let articles: any ArticleStore
    public let authors: any AuthorStore
    public let tags: any TagStore

    public init(database: AppDatabase, clock: ContentClock, searchTimeout: Duration = .seconds(2)) {
        self.articles = SQLiteArticleStore(database: database, clock: clock, searchTimeout: searchTimeout)
        self.authors = SQLiteAuthorStore(database: database, clock: clock)
        self.tags = SQLiteTagStore(database: database, clock: clock)
    }
}

extension Stores {
    /// Every store on one SQLite database. `searchTimeout` bounds each full-text read
    /// (search, and article lists filtered by `q`).
    public static func sqlite(
        _ database: AppDatabase,
        clock: ContentClock,
        searchTimeout: Duration = .seconds(2)
    ) -> Stores {
        Stores(
            content: SQLiteContentStore(database: database, clock: clock, searchTimeout: searchTimeout),
            catalog: SQLiteCatalogStore(database: database, clock: clock),
            tokens: SQLiteTokenStore(database: database, clock: clock),
            views: SQLiteViewStore(database: database, clock: clock),
            search: SQLiteSearchStore(database: database, clock: clock, searchTimeout: searchTimeout),
            portability: SQLitePortabilityStore(database: database),
            previews: SQLitePreviewStore(database: database, clock: clock)
        )
    }
}
