@testable import Masthead

/// The content store of an engine whose article store has not arrived yet.
struct PartialContentStore: ContentStore {
    let articles: any ArticleStore
    let authors: any AuthorStore
    let tags: any TagStore
}

/// Stands in for the stores the PostgreSQL engine does not have yet (issue 13), so that the
/// suites of the stores it has can run on it. `StoreEngine.kinds` keeps every test that
/// would reach one of these away from that engine; reaching one anyway fails loudly.
struct Unported: ArticleStore, ViewStore, SearchStore, PortabilityStore {
    struct NotOnThisEngine: Error {}

    func find(slug: Slug, bodies: Set<BodyFormat>, visibility: ArticleVisibility) async throws -> Article {
        throw NotOnThisEngine()
    }
    func list(_ query: ArticleListQuery) async throws -> ArticlePage { throw NotOnThisEngine() }
    func currentSlug(forOldSlug slug: Slug, visibility: ArticleVisibility) async throws -> String? {
        throw NotOnThisEngine()
    }
    func related(to slug: Slug, limit: Int) async throws -> [RelatedArticle] { throw NotOnThisEngine() }
    func nextPublication(after now: Timestamp) async throws -> Timestamp? { throw NotOnThisEngine() }
    func sitemapEntries(limit: Int) async throws -> [SitemapEntry] { throw NotOnThisEngine() }
    func create(_ input: ArticleInput) async throws -> Article { throw NotOnThisEngine() }
    func replace(slug: Slug, with input: ArticleInput, expectedRevision: Int?) async throws -> Article {
        throw NotOnThisEngine()
    }
    func delete(slug: Slug, expectedRevision: Int?) async throws { throw NotOnThisEngine() }
    func existing(among slugs: [Slug]) async throws -> Set<String> { throw NotOnThisEngine() }
    func add(_ counts: [ViewCounter.Bucket: Int]) async throws { throw NotOnThisEngine() }
    func viewable(slug: Slug) async throws -> Int64? { throw NotOnThisEngine() }
    func storedViews(of articleID: Int64) async throws -> Int { throw NotOnThisEngine() }
    func popular(window: PopularWindow, limit: Int) async throws -> [PopularArticle] { throw NotOnThisEngine() }
    func search(_ query: SearchQuery, kinds: Set<SearchKind>, page: PageRequest) async throws -> Page<SearchHit> {
        throw NotOnThisEngine()
    }
    func export() async throws -> ContentExport { throw NotOnThisEngine() }
    func importContent(_ document: ContentExport) async throws { throw NotOnThisEngine() }
}
