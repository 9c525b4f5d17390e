/// Articles, authors and tags on PostgreSQL.
struct PostgresContentStore: ContentStore {
    let articles: any ArticleStore
    let authors: any AuthorStore
    let tags: any TagStore

    init(engine: PostgresEngine, clock: ContentClock, limits: StoreLimits = StoreLimits()) {
        articles = PostgresArticleStore(
            engine: engine,
            clock: clock,
            searchTimeout: limits.searchTimeout,
            revisionsKept: limits.revisionsKept
        )
        authors = PostgresAuthorStore(engine: engine, clock: clock)
        tags = PostgresTagStore(engine: engine, clock: clock)
    }
}

extension Stores {
    /// Every store on one PostgreSQL database, which several instances may share.
    public static func postgres(
        _ engine: PostgresEngine,
        clock: ContentClock,
        limits: StoreLimits = StoreLimits()
    ) -> Stores {
        Stores(
            content: PostgresContentStore(engine: engine, clock: clock, limits: limits),
            catalog: PostgresCatalogStore(engine: engine, clock: clock),
            tokens: PostgresTokenStore(engine: engine, clock: clock),
            views: PostgresViewStore(engine: engine, clock: clock),
            search: PostgresSearchStore(engine: engine, clock: clock, timeout: limits.searchTimeout),
            portability: PostgresPortabilityStore(engine: engine),
            previews: PostgresPreviewStore(engine: engine, clock: clock),
            revisions: PostgresRevisionStore(engine: engine),
            webhooks: PostgresWebhookStore(engine: engine, clock: clock)
        )
    }
}
