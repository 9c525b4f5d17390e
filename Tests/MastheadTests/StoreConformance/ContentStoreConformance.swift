import Testing

@testable import Masthead
@testable import MastheadDomain

/// `ContentStore` as every engine must implement it: articles, authors and tags, their
/// visibility, revisions and slugs. Only the store protocols are used.
@Suite struct ContentStoreConformance {
    @Test(arguments: StoreEngine.all(.articles, .authorsAndTags))
    func aDraftIsFoundOnlyByThoseWhoMaySeeDrafts(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        try await fixture.author("ada")
        let draft = try await fixture.article("a-draft", status: .draft)
        #expect(draft.status == .draft && draft.revision == 1)

        #expect(try await fixture.articles.find(slug: Slug("a-draft")).slug == "a-draft")
        await #expect(throws: StoreError.notFound(resource: .article, slug: "a-draft")) {
            try await fixture.articles.find(slug: Slug("a-draft"), bodies: [], visibility: .published)
        }
        var query = ArticleListQuery()
        #expect(try await fixture.articles.list(query).total == 0)
        query.visibility = .drafts
        #expect(try await fixture.articles.list(query).articles.map(\.slug) == ["a-draft"])
        #expect(try await fixture.articles.sitemapEntries(limit: 10) == [])
    }

    @Test(arguments: StoreEngine.all(.articles, .authorsAndTags))
    func replacingMovesTheRevisionAndAStaleRevisionChangesNothing(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        try await fixture.author("ada")
        try await fixture.article("first", body: "The **first** body.")
        let input = ArticleInput.make(slug: nil, title: "First, again", body: "A new body.", publishedAt: nil)

        let replaced = try await fixture.articles.replace(slug: Slug("first"), with: input, expectedRevision: 1)
        #expect(replaced.revision == 2 && replaced.title == "First, again")
        #expect(replaced.bodyHTML == "<p>A new body.</p>\n")
        await #expect(throws: StoreError.revisionChanged) {
            try await fixture.articles.replace(slug: Slug("first"), with: input, expectedRevision: 1)
        }
        await #expect(throws: StoreError.revisionChanged) {
            try await fixture.articles.delete(slug: Slug("first"), expectedRevision: 1)
        }
        let stored = try await fixture.articles.find(slug: Slug("first"))
        #expect(stored.revision == 2 && stored.bodyMarkdown == "A new body.")
    }

    @Test(arguments: StoreEngine.all(.articles, .authorsAndTags))
    func aRenamedArticleLeavesItsOldSlugPointingAtTheNewOne(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        try await fixture.author("ada")
        try await fixture.article("old-name")
        let renamed = ArticleInput.make(slug: "new-name", publishedAt: fixture.clock.now.adding(seconds: -60))
        _ = try await fixture.articles.replace(slug: Slug("old-name"), with: renamed, expectedRevision: nil)

        #expect(
            try await fixture.articles.currentSlug(forOldSlug: Slug("old-name"), visibility: .published) == "new-name"
        )
        #expect(try await fixture.articles.currentSlug(forOldSlug: Slug("never"), visibility: .published) == nil)
        await #expect(throws: StoreError.notFound(resource: .article, slug: "old-name")) {
            try await fixture.articles.find(slug: Slug("old-name"))
        }
    }

    @Test(arguments: StoreEngine.all(.articles, .authorsAndTags))
    func slugsAreUniqueAndDerivedOnesAreNumbered(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        try await fixture.author("ada")
        try await fixture.article("taken")
        await #expect(throws: StoreError.self) { try await fixture.article("taken") }

        var derived = ArticleInput.make(slug: nil, title: "Taken", publishedAt: fixture.clock.now)
        derived.slug = .derived(Slug("taken"))
        #expect(try await fixture.articles.create(derived).slug == "taken-2")
        #expect(try await fixture.articles.create(derived).slug == "taken-3")
        #expect(
            try await fixture.articles.existing(among: [Slug("taken"), Slug("taken-3"), Slug("nope")])
                == ["taken", "taken-3"]
        )
    }

    @Test(arguments: StoreEngine.all(.articles, .authorsAndTags))
    func aScheduledArticleGoesLiveAtItsTime(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        try await fixture.author("ada")
        let goesLive = fixture.clock.now.adding(seconds: 3600)
        try await fixture.article("later", publishedAt: goesLive)

        #expect(try await fixture.articles.nextPublication(after: fixture.clock.now) == goesLive)
        #expect(try await fixture.articles.list(ArticleListQuery()).total == 0)
        var scheduled = ArticleListQuery()
        scheduled.visibility = .scheduled
        #expect(try await fixture.articles.list(scheduled).articles.map(\.slug) == ["later"])

        fixture.clock.advance(seconds: 3600)
        #expect(try await fixture.articles.nextPublication(after: fixture.clock.now) == nil)
        #expect(try await fixture.articles.list(ArticleListQuery()).articles.map(\.slug) == ["later"])
        #expect(try await fixture.articles.sitemapEntries(limit: 10).map(\.slug) == ["later"])
    }

    @Test(arguments: StoreEngine.all(.articles, .authorsAndTags))
    func listsFilterByTagAndAuthorNewestFirst(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        try await fixture.author("ada")
        try await fixture.author("grace")
        try await fixture.tag("go")
        try await fixture.tag("rust")
        let now = fixture.clock.now
        try await fixture.article("one", publishedAt: now.adding(seconds: -300), tags: ["go"])
        try await fixture.article("two", publishedAt: now.adding(seconds: -200), author: "grace", tags: ["go", "rust"])
        try await fixture.article("three", publishedAt: now.adding(seconds: -100), tags: ["rust"])

        #expect(try await fixture.articles.list(ArticleListQuery()).articles.map(\.slug) == ["three", "two", "one"])
        var byTag = ArticleListQuery()
        byTag.tags = [Slug("go")]
        #expect(try await fixture.articles.list(byTag).articles.map(\.slug) == ["two", "one"])
        var byAuthor = ArticleListQuery()
        byAuthor.author = Slug("grace")
        let page = try await fixture.articles.list(byAuthor)
        #expect(page.articles.map(\.slug) == ["two"] && page.total == 1)
        #expect(page.articles[0].tags.map(\.slug) == ["go", "rust"])
    }

    /// One tag's public timeline is read from the tag's links on both engines: it must page,
    /// filter by date and hide what the public may not see as the general list does.
    @Test(arguments: StoreEngine.all(.articles, .authorsAndTags))
    func aTagsTimelinePagesByCursorAndShowsOnlyWhatIsPublic(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        try await fixture.author("ada")
        for tag in ["go", "rust", "ops"] { try await fixture.tag(tag) }
        let now = fixture.clock.now
        for (index, slug) in ["a", "b", "c", "d"].enumerated() {
            try await fixture.article(
                slug,
                publishedAt: now.adding(seconds: Int64(-400 + index * 100)),
                tags: ["rust", "go"]
            )
        }
        try await fixture.article("soon", publishedAt: now.adding(seconds: 600), tags: ["go"])
        try await fixture.article("draft", status: .draft, tags: ["go"])
        try await fixture.article("elsewhere", tags: ["ops"])
        let unpublished = try await fixture.article("withdrawn", publishedAt: now.adding(seconds: -50), tags: ["go"])
        _ = try await fixture.articles.replace(
            slug: Slug("withdrawn"),
            with: ArticleInput.make(slug: "withdrawn", status: .draft, publishedAt: nil, tags: ["go"]),
            expectedRevision: unpublished.revision
        )

        var query = ArticleListQuery()
        query.tags = [Slug("go")]
        query.limit = 3
        let first = try await fixture.articles.list(query)
        #expect(first.articles.map(\.slug) == ["d", "c", "b"])
        #expect(first.total == 4)
        #expect(first.articles[0].tags.map(\.slug) == ["rust", "go"])
        let cursor = try #require(first.nextCursor)
        query.paging = .after(cursor)
        let second = try await fixture.articles.list(query)
        #expect(second.articles.map(\.slug) == ["a"] && second.nextCursor == nil)

        query.paging = .page(1)
        query.publishedAfter = now.adding(seconds: -350)
        let recent = try await fixture.articles.list(query)
        #expect(recent.articles.map(\.slug) == ["d", "c", "b"] && recent.total == 3)

        // A page past the end has no rows, and still its list's count.
        query.paging = .page(5)
        let beyond = try await fixture.articles.list(query)
        #expect(beyond.articles.isEmpty && beyond.total == 3 && beyond.nextCursor == nil)
    }

    @Test(arguments: StoreEngine.all(.articles, .authorsAndTags))
    func relatedArticlesShareTagsAndSayWhich(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        try await fixture.author("ada")
        for slug in ["go", "ops", "art"] { try await fixture.tag(slug) }
        try await fixture.article("target", tags: ["go", "ops"])
        try await fixture.article("close", tags: ["go", "ops"])
        try await fixture.article("near", tags: ["go"])
        try await fixture.article("draft", status: .draft, tags: ["go", "ops"])
        try await fixture.article("apart", tags: ["art"])

        let related = try await fixture.articles.related(to: Slug("target"), limit: 5)
        #expect(related.map(\.article.slug).prefix(2) == ["close", "near"])
        #expect(!related.map(\.article.slug).contains("draft"))
        #expect(related[0].reason.sharedTags == ["go", "ops"] && related[0].reason.sameAuthor)
        await #expect(throws: StoreError.notFound(resource: .article, slug: "draft")) {
            try await fixture.articles.related(to: Slug("draft"), limit: 5)
        }
    }

    @Test(arguments: StoreEngine.all(.articles, .authorsAndTags))
    func anAuthorWithArticlesIsNotDeletedAndADeletedTagLeavesItsArticles(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        try await fixture.author("ada")
        try await fixture.author("grace", name: "Grace Hopper")
        try await fixture.tag("go")
        try await fixture.article("kept", status: .draft, tags: ["go"])

        await #expect(throws: StoreError.self) {
            try await fixture.authors.delete(slug: Slug("ada"), expectedRevision: nil)
        }
        try await fixture.authors.delete(slug: Slug("grace"), expectedRevision: 1)
        #expect(try await fixture.authors.list(PageRequest(number: 1, limit: 10)).items.map(\.slug) == ["ada"])

        try await fixture.tags.delete(slug: Slug("go"), expectedRevision: nil)
        #expect(try await fixture.articles.find(slug: Slug("kept")).tags.isEmpty)
        #expect(try await fixture.tags.existing(among: [Slug("go")]) == [])
    }

    @Test(arguments: StoreEngine.all(.articles, .authorsAndTags))
    func authorsAndTagsCountOnlyWhatThePublicSees(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        try await fixture.author("zed", name: "Zed")
        try await fixture.author("ada", name: "Ada")
        try await fixture.tag("go")
        try await fixture.tag("ai")
        try await fixture.article("seen", author: "zed", tags: ["go"])
        try await fixture.article("unseen", status: .draft, author: "zed", tags: ["go", "ai"])

        let authors = try await fixture.authors.list(PageRequest(number: 1, limit: 10))
        #expect(authors.items.map(\.slug) == ["ada", "zed"] && authors.total == 2)
        #expect(try await fixture.authors.find(slug: Slug("zed")).articleCount == 1)
        let byCount = try await fixture.tags.list(PageRequest(number: 1, limit: 10), sort: .mostArticles)
        #expect(byCount.items.map(\.slug) == ["go", "ai"] && byCount.items.map(\.articleCount) == [1, 0])
        #expect(try await fixture.tags.list(PageRequest(number: 1, limit: 10)).items.map(\.slug) == ["ai", "go"])

        let renamed = try await fixture.tags.replace(
            slug: Slug("ai"),
            with: TagInput(slug: .given(Slug("ml")), name: "ML"),
            expectedRevision: 1
        )
        #expect(renamed.slug == "ml" && renamed.revision == 2)
        await #expect(throws: StoreError.revisionChanged) {
            try await fixture.tags.replace(
                slug: Slug("ml"),
                with: TagInput(slug: .keep, name: "X"),
                expectedRevision: 1
            )
        }
    }

    @Test(arguments: StoreEngine.all(.authorsAndTags))
    func authorsAndTagsAreWrittenUnderTheirRevisions(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        let ada = try await fixture.author("ada", name: "Ada Lovelace")
        #expect(ada.revision == 1 && ada.articleCount == 0 && ada.name == "Ada Lovelace")
        await #expect(
            throws: StoreError.conflict(
                code: "slug_taken",
                detail: "Another author already has the slug 'ada'; choose another."
            )
        ) {
            try await fixture.author("ada")
        }
        let renamed = try await fixture.authors.replace(
            slug: Slug("ada"),
            with: AuthorInput(slug: .given(Slug("countess")), name: "Ada, Countess of Lovelace"),
            expectedRevision: 1
        )
        #expect(renamed.slug == "countess" && renamed.revision == 2)
        await #expect(throws: StoreError.revisionChanged) {
            try await fixture.authors.delete(slug: Slug("countess"), expectedRevision: 1)
        }
        await #expect(throws: StoreError.notFound(resource: .author, slug: "ada")) {
            try await fixture.authors.find(slug: Slug("ada"))
        }

        var derived = TagInput(slug: .derived(Slug("go")), name: "Go")
        #expect(try await fixture.tags.create(derived).slug == "go")
        #expect(try await fixture.tags.create(derived).slug == "go-2")
        derived.slug = .given(Slug("b-tag"))
        derived.name = "beta"
        _ = try await fixture.tags.create(derived)
        // ASCII letters sort without regard to case, as SQLite's NOCASE does.
        #expect(
            try await fixture.tags.list(PageRequest(number: 1, limit: 10)).items.map(\.name) == ["beta", "Go", "Go"]
        )
        #expect(try await fixture.tags.existing(among: [Slug("go-2"), Slug("nope")]) == ["go-2"])
        try await fixture.tags.delete(slug: Slug("go-2"), expectedRevision: 1)
        #expect(try await fixture.tags.list(PageRequest(number: 1, limit: 10)).total == 2)
    }
}
