import MastheadStorage
import Testing

@testable import MastheadDomain

/// `RevisionStore` as every engine must implement it: the history article writes leave.
@Suite struct RevisionStoreConformance {
    @Test(arguments: StoreEngine.all(.articles, .authorsAndTags))
    func everyWriteLeavesARevisionListedNewestFirst(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        try await fixture.author("ada")
        try await fixture.article("history", title: "First title", status: .draft)
        for (revision, title) in [(1, "Second title"), (2, "Third title")] {
            fixture.clock.advance(seconds: 60)
            _ = try await fixture.articles.replace(
                slug: Slug("history"),
                with: ArticleInput.make(slug: "history", title: title, status: .draft, publishedAt: nil),
                expectedRevision: revision
            )
        }
        let page = try await fixture.stores.revisions.list(for: Slug("history"), page: PageRequest(number: 1, limit: 2))
        #expect(page.total == 3)
        #expect(page.items.map(\.number) == [3, 2])
        #expect(page.items.map(\.snapshot.title) == ["Third title", "Second title"])
        #expect(page.items[0].createdAt > page.items[1].createdAt)
        let rest = try await fixture.stores.revisions.list(for: Slug("history"), page: PageRequest(number: 2, limit: 2))
        #expect(rest.items.map(\.number) == [1])

        let first = try await fixture.stores.revisions.find(1, for: Slug("history"))
        #expect(first.snapshot.title == "First title")
        #expect(first.snapshot.status == .draft)
        #expect(first.snapshot.author == Slug("ada"))
    }

    /// The token a write is made with is an input of the write, and its revision says so.
    @Test(arguments: StoreEngine.all(.articles, .authorsAndTags, .tokens))
    func aRevisionNamesTheTokenItsWriteWasMadeWith(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        try await fixture.author("ada")
        let (_, editor) = try await fixture.stores.tokens.create(
            name: "editor",
            scopes: [.contentWrite],
            expiresAt: nil
        )
        let input = ArticleInput.make(slug: "signed", publishedAt: fixture.clock.now)
        _ = try await fixture.articles.create(input, by: editor)
        _ = try await fixture.articles.replace(slug: Slug("signed"), with: input, expectedRevision: 1, by: nil)
        let page = try await fixture.stores.revisions.list(for: Slug("signed"), page: PageRequest(number: 1, limit: 10))
        #expect(page.items.map(\.tokenName) == [nil, "editor"])
        #expect(page.items.map(\.tokenID) == [nil, editor.id])
    }

    @Test(arguments: StoreEngine.all(.articles, .authorsAndTags))
    func aMissingArticleOrRevisionIsNotFound(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        try await fixture.author("ada")
        try await fixture.article("kept")
        await #expect(throws: StoreError.notFound(resource: .article, slug: "absent")) {
            try await fixture.stores.revisions.list(for: Slug("absent"), page: PageRequest(number: 1, limit: 10))
        }
        await #expect(throws: StoreError.notFound(resource: .article, slug: "absent")) {
            try await fixture.stores.revisions.find(1, for: Slug("absent"))
        }
        await #expect(throws: StoreError.notFound(resource: .revision, slug: "2")) {
            try await fixture.stores.revisions.find(2, for: Slug("kept"))
        }
    }
}

/// `PreviewStore` as every engine must implement it: links to any article, until they expire,
/// and the secret their tokens are signed with.
@Suite struct PreviewStoreConformance {
    @Test(arguments: StoreEngine.all(.articles, .authorsAndTags))
    func aLinkIsListedFoundAndDeleted(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        try await fixture.author("ada")
        try await fixture.article("unfinished", status: .draft)
        let previews = fixture.stores.previews
        let expiresAt = fixture.clock.now.adding(seconds: 3600)
        let link = try await previews.create(for: Slug("unfinished"), expiresAt: expiresAt, by: nil)
        #expect(link.articleSlug == "unfinished" && link.expiresAt == expiresAt)
        #expect(link.createdByTokenID == nil)
        #expect(try await previews.list(for: Slug("unfinished")).map(\.id) == [link.id])
        #expect(try await previews.find(id: link.id) == link)

        try await previews.delete(id: link.id, for: Slug("unfinished"))
        #expect(try await previews.list(for: Slug("unfinished")) == [])
        #expect(try await previews.find(id: link.id) == nil)
        await #expect(throws: StoreError.notFound(resource: .previewLink, slug: String(link.id))) {
            try await previews.delete(id: link.id, for: Slug("unfinished"))
        }
        await #expect(throws: StoreError.notFound(resource: .article, slug: "absent")) {
            _ = try await previews.create(for: Slug("absent"), expiresAt: expiresAt, by: nil)
        }
    }

    @Test(arguments: StoreEngine.all(.articles, .authorsAndTags))
    func expiredLinksAreNotListedAndAnArticleHasABoundedNumber(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        try await fixture.author("ada")
        try await fixture.article("reviewed")
        let previews = fixture.stores.previews
        _ = try await previews.create(for: Slug("reviewed"), expiresAt: fixture.clock.now.adding(seconds: 60), by: nil)
        fixture.clock.advance(seconds: 120)
        #expect(try await previews.list(for: Slug("reviewed")) == [])

        let later = fixture.clock.now.adding(seconds: 3600)
        for _ in 0..<PreviewSecrets.maximumPerArticle {
            _ = try await previews.create(for: Slug("reviewed"), expiresAt: later, by: nil)
        }
        // The expired link went with the first new one: it did not count against the bound.
        #expect(try await previews.list(for: Slug("reviewed")).count == PreviewSecrets.maximumPerArticle)
        await #expect(throws: PreviewSecrets.tooMany) {
            _ = try await previews.create(for: Slug("reviewed"), expiresAt: later, by: nil)
        }
    }

    @Test(arguments: StoreEngine.all(.articles, .authorsAndTags))
    func theSecretIsKeptUntilRotated(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        let previews = fixture.stores.previews
        let secret = try await previews.secret()
        #expect(secret.count == 32)
        #expect(try await previews.secret() == secret)
        try await previews.rotateSecret()
        let rotated = try await previews.secret()
        #expect(rotated.count == 32 && rotated != secret)
        #expect(try await previews.secret() == rotated)
    }
}
