import MastheadDomain
import MastheadStorage

/// Articles, authors and tags on PostgreSQL.
package struct PostgresContentStore: ContentStore {
    package let articles: any ArticleStore
    package let authors: any AuthorStore
    package let tags: any TagStore

    package init(
        engine: PostgresEngine,
        clock: ContentClock,
        limits: StoreLimits = StoreLimits()
    ) {
        articles = PostgresArticleStore(
            engine: engine,
            clock: clock,
            searchTimeout: limits.searchTimeout,
            revisionsKept: limits.revisionsKept,
            counts: engine.listCounts
        )
        authors = PostgresAuthorStore(engine: engine, clock: clock)
        tags = PostgresTagStore(engine: engine, clock: clock)
    }
}

extension Stores {
    /// Every store on one PostgreSQL database, which several instances may share. Public
    /// lists' totals are kept between writes (the engine's `ListCounts`).
    public static func postgres(_ engine: PostgresEngine, clock: ContentClock, limits: StoreLimits = StoreLimits())
        -> Stores
    {
        postgres(engine, clock: clock, limits: limits, kinds: DescribedKinds.all)
    }

    /// Every store on one PostgreSQL database, with `kinds` as its described kinds.
    package static func postgres(
        _ engine: PostgresEngine,
        clock: ContentClock,
        limits: StoreLimits = StoreLimits(),
        kinds: [any DescribedInput.Type]
    ) -> Stores {
        Stores(
            content: PostgresContentStore(engine: engine, clock: clock, limits: limits),
            catalog: PostgresCatalogStore(engine: engine, clock: clock),
            tokens: PostgresTokenStore(engine: engine, clock: clock),
            views: PostgresViewStore(engine: engine, clock: clock),
            search: PostgresSearchStore(engine: engine, clock: clock, timeout: limits.searchTimeout),
            portability: PostgresPortabilityStore(engine: engine, kinds: kinds),
            previews: PostgresPreviewStore(engine: engine, clock: clock),
            revisions: PostgresRevisionStore(engine: engine),
            webhooks: PostgresWebhookStore(engine: engine, clock: clock),
            media: PostgresMediaStore(engine: engine, clock: clock),
            described: PostgresDescribedStores(engine: engine, clock: clock),
            describedKinds: kinds
        )
    }
}
