import Foundation
import Testing

@testable import Masthead
@testable import MastheadDomain
@testable import MastheadStorage

/// `ViewStore` as every engine must implement it.
@Suite struct ViewStoreConformance {
    @Test(arguments: StoreEngine.all(.articles, .views))
    func countsAddUpAndMakeWhatIsPopular(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        try await fixture.author("ada")
        let old = try await fixture.article("old")
        let new = try await fixture.article("new")
        try await fixture.article("hidden", status: .draft)
        let views = fixture.stores.views
        #expect(try await views.viewable(slug: Slug("hidden")) == nil)
        #expect(try await views.viewable(slug: Slug("old")) == old.id)

        let today = fixture.clock.now.secondsSinceEpoch / 86_400
        try await views.add([
            .init(articleID: old.id, day: today - 20): 10,
            .init(articleID: new.id, day: today): 3,
        ])
        try await views.add([.init(articleID: new.id, day: today): 2])
        #expect(try await views.storedViews(of: old.id) == 10)
        #expect(try await views.storedViews(of: new.id) == 5)
        #expect(try await views.popular(window: .all, limit: 10).map(\.article.slug) == ["old", "new"])
        let week = try await views.popular(window: .week, limit: 10)
        #expect(week.map(\.article.slug) == ["new"] && week.map(\.viewsInWindow) == [5])
        #expect(try await fixture.articles.find(slug: Slug("new")).views == 5)
    }
}

/// `SearchStore` as every engine must implement it.
@Suite struct SearchStoreConformance {
    @Test(arguments: StoreEngine.all(.articles, .search))
    func findsWhatThePublicMaySeeWithMarkedSnippets(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        try await fixture.author("ada", name: "Ada Observer")
        try await fixture.article("seen", title: "Observability in production", body: "Metrics, logs and traces.")
        try await fixture.article("unseen", title: "Observability drafts", status: .draft)
        let search = fixture.stores.search
        let page = PageRequest(number: 1, limit: 10)

        let articles = try await search.search(
            try #require(try SearchQuery(parsing: "observability")),
            kinds: [.article],
            page: page
        )
        #expect(articles.items.map(\.slug) == ["seen"] && articles.total == 1)
        #expect(articles.items[0].snippet.contains(SearchHit.markStart))
        let stems = try await search.search(
            try #require(try SearchQuery(parsing: "trace")),
            kinds: [.article],
            page: page
        )
        #expect(stems.items.map(\.slug) == ["seen"])
        let authors = try await search.search(
            try #require(try SearchQuery(parsing: "observer")),
            kinds: [.author],
            page: page
        )
        #expect(authors.items.map(\.kind) == [.author] && authors.items.map(\.slug) == ["ada"])
    }
}

/// `PortabilityStore` as every engine must implement it: what one engine exports, another
/// imports, and exports again byte for byte.
@Suite struct PortabilityStoreConformance {
    @Test(arguments: StoreEngine.all(.articles, .portability), StoreEngine.all(.articles, .portability))
    func anExportImportsIntoAnEmptyPublicationAndExportsTheSame(from: StoreEngine, into: StoreEngine) async throws {
        let source = try await StoreFixture(from)
        try await source.author("ada")
        try await source.tag("go")
        try await source.article("kept", body: "# Heading\n\nText with `code`.", tags: ["go"])
        try await source.article("draft", status: .draft)
        _ = try await source.articles.replace(
            slug: Slug("kept"),
            with: ArticleInput.make(slug: "renamed", publishedAt: source.clock.now, tags: ["go"]),
            expectedRevision: nil
        )
        let exported = try await source.stores.portability.export()
        #expect(exported.articles.map(\.slug).sorted() == ["draft", "renamed"])

        let target = try await StoreFixture(into)
        try await target.stores.portability.importContent(exported)
        #expect(try await target.stores.portability.export().encoded() == exported.encoded())
        let moved = try await target.articles.find(slug: Slug("renamed"))
        #expect(moved.tags.map(\.slug) == ["go"])
        #expect(try await target.articles.currentSlug(forOldSlug: Slug("kept"), visibility: .published) == "renamed")
        await #expect(throws: (any Error).self) { try await target.stores.portability.importContent(exported) }
    }
}
