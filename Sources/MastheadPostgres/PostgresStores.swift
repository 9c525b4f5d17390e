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
        limits: StoreLimits = StoreLimits(),
        counts: ListCounts? = nil
    ) {
        articles = PostgresArticleStore(
            engine: engine,
            clock: clock,
            searchTimeout: limits.searchTimeout,
            revisionsKept: limits.revisionsKept,
            counts: counts
        )
        authors = PostgresAuthorStore(engine: engine, clock: clock)
        tags = PostgresTagStore(engine: engine, clock: clock)
    }
}

extension Stores {
    /// Every store on one PostgreSQL database, which several instances may share. Public
    /// lists' totals are kept between writes (`ListCounts`): counting is the dearest part of
    /// a list page on this engine.
    public static func postgres(
        _ engine: PostgresEngine,
        clock: ContentClock,
        limits: StoreLimits = StoreLimits()
    ) -> Stores {
        let counts = ListCounts()
        return Stores(
            content: PostgresContentStore(engine: engine, clock: clock, limits: limits, counts: counts),
            catalog: PostgresCatalogStore(engine: engine, clock: clock),
            tokens: PostgresTokenStore(engine: engine, clock: clock),
            views: PostgresViewStore(engine: engine, clock: clock),
            search: PostgresSearchStore(engine: engine, clock: clock, timeout: limits.searchTimeout),
            portability: PostgresPortabilityStore(engine: engine),
            previews: PostgresPreviewStore(engine: engine, clock: clock),
            revisions: PostgresRevisionStore(engine: engine),
            webhooks: PostgresWebhookStore(engine: engine, clock: clock),
            listCounts: counts
        )
    }
}
