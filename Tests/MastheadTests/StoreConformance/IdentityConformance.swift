import MastheadStorage
import Testing

@testable import Masthead
@testable import MastheadDomain

/// Ids as every engine must give them: once. A resource's id is part of its ETag and names
/// it in preview links and webhook URLs, so an id given again after its resource was deleted
/// would let an `If-Match`, a link or a URL meant for the deleted one act on the new one.
/// The newest row is deleted each time: that is the id SQLite's default rowid gives again.
@Suite struct IdentityConformance {
    @Test(arguments: StoreEngine.all(.articles, .authorsAndTags, .catalog))
    func anIdIsNeverGivenAgainAfterItsResourceIsDeleted(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        try await fixture.author("ada")

        let article = try await fixture.article("gone")
        try await fixture.articles.delete(slug: Slug("gone"), expectedRevision: nil)
        #expect(try await fixture.article("gone").id > article.id)

        let author = try await fixture.author("gone")
        try await fixture.authors.delete(slug: Slug("gone"), expectedRevision: nil)
        #expect(try await fixture.author("gone").id > author.id)

        let tag = try await fixture.tag("gone")
        try await fixture.tags.delete(slug: Slug("gone"), expectedRevision: nil)
        #expect(try await fixture.tag("gone").id > tag.id)

        let catalog = fixture.stores.catalog
        let platform = try await catalog.platforms.create(CatalogStoreConformance.platform("gone"))
        try await catalog.platforms.delete(slug: Slug("gone"), expectedRevision: nil)
        #expect(try await catalog.platforms.create(CatalogStoreConformance.platform("gone")).id > platform.id)

        let service = try await catalog.services.create(CatalogStoreConformance.service("gone"))
        try await catalog.services.delete(slug: Slug("gone"), expectedRevision: nil)
        #expect(try await catalog.services.create(CatalogStoreConformance.service("gone")).id > service.id)

        try await fixture.article("previewed", status: .draft)
        let previews = fixture.stores.previews
        let expiresAt = fixture.clock.now.adding(seconds: 3600)
        let link = try await previews.create(for: Slug("previewed"), expiresAt: expiresAt, by: nil)
        try await previews.delete(id: link.id, for: Slug("previewed"))
        #expect(try await previews.create(for: Slug("previewed"), expiresAt: expiresAt, by: nil).id > link.id)

        let webhooks = fixture.stores.webhooks
        let input = WebhookInput(url: "https://hooks.example/a", events: ["*"], active: true)
        let hook = try await webhooks.create(input, secret: WebhookStoreConformance.secret)
        try await webhooks.delete(id: hook.id)
        #expect(try await webhooks.create(input, secret: WebhookStoreConformance.secret).id > hook.id)
    }
}
