/// Everything the API reads and writes, one store per concern, each behind a protocol so
/// that the storage engine is chosen at start-up: `Stores.sqlite(…)` today. Calls go through
/// existentials, whose dynamic dispatch costs nothing next to the query behind each call.
public struct Stores: Sendable {
    public let content: any ContentStore
    public let catalog: any CatalogStore
    public let tokens: any TokenStore
    public let views: any ViewStore
    public let search: any SearchStore
    public let portability: any PortabilityStore
    public let previews: any PreviewStore
    public let revisions: any RevisionStore
    public let webhooks: any WebhookStore
    public let media: any MediaStore
    /// Each described kind's store (`DescribedInput`), and the kinds the API serves.
    package let described: any DescribedStores
    package let describedKinds: [any DescribedInput.Type]

    package init(
        content: any ContentStore,
        catalog: any CatalogStore,
        tokens: any TokenStore,
        views: any ViewStore,
        search: any SearchStore,
        portability: any PortabilityStore,
        previews: any PreviewStore,
        revisions: any RevisionStore,
        webhooks: any WebhookStore,
        media: any MediaStore,
        described: any DescribedStores,
        describedKinds: [any DescribedInput.Type] = DescribedKinds.all
    ) {
        self.content = content
        self.catalog = catalog
        self.tokens = tokens
        self.views = views
        self.search = search
        self.portability = portability
        self.previews = previews
        self.revisions = revisions
        self.webhooks = webhooks
        self.media = media
        self.described = described
        self.describedKinds = describedKinds
    }
}
