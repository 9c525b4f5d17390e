import MastheadSQLite
import MastheadStorage
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

/// What a store conformance test needs of an engine.
enum StoreKind: Sendable {
    case articles, authorsAndTags, catalog, tokens, views, search, portability
}

/// A storage engine the store conformance suites run on. The suites speak only to the store
/// protocols, so an engine joins by adding itself to `available`, and every suite whose
/// stores it has then runs on it unchanged.
struct StoreEngine: Sendable, CustomTestStringConvertible {
    let name: String
    /// The stores it implements.
    let kinds: Set<StoreKind>
    /// Every store on a new, empty publication (migrations applied, no content), reading
    /// time from `clock`, and what must live as long as they are used.
    let open: @Sendable (ContentClock) async throws -> (Stores, lifetime: (any Sendable)?)

    var testDescription: String { name }

    static let sqlite = StoreEngine(
        name: "SQLite",
        kinds: [.articles, .authorsAndTags, .catalog, .tokens, .views, .search, .portability]
    ) { clock in
        (Stores.sqlite(try AppDatabase.inMemory(), clock: clock), nil)
    }

    static let postgres = StoreEngine(
        name: "PostgreSQL",
        kinds: [.articles, .authorsAndTags, .catalog, .tokens, .views, .search, .portability]
    ) { clock in
        let database = try await PostgresTestServer.makeDatabase()
        return (Stores.postgres(database.engine, clock: clock), database)
    }

    /// Every engine this machine can run, SQLite always; PostgreSQL when a server is
    /// configured (`PostgresTestServer`).
    static var available: [StoreEngine] { [.sqlite] + (PostgresTestServer.isConfigured ? [.postgres] : []) }

    /// The engines that have every store a test needs.
    static func all(_ needed: StoreKind...) -> [StoreEngine] {
        available.filter { Set(needed).isSubset(of: $0.kinds) }
    }

    static var all: [StoreEngine] { all(.articles, .authorsAndTags, .catalog, .tokens, .views, .search, .portability) }
}

/// A publication on one engine, with a clock the test moves, and shorthands to write
/// content through the stores themselves.
struct StoreFixture {
    let stores: Stores
    let clock: TestClock
    private let lifetime: (any Sendable)?

    init(_ engine: StoreEngine) async throws {
        clock = TestClock()
        (stores, lifetime) = try await engine.open(clock.contentClock)
    }

    var articles: any ArticleStore { stores.content.articles }
    var authors: any AuthorStore { stores.content.authors }
    var tags: any TagStore { stores.content.tags }

    @discardableResult
    func author(_ slug: String, name: String? = nil) async throws -> Author {
        try await authors.create(AuthorInput(slug: .given(Slug(slug)), name: name ?? slug.capitalized))
    }

    @discardableResult
    func tag(_ slug: String, name: String? = nil) async throws -> MastheadDomain.Tag {
        try await tags.create(TagInput(slug: .given(Slug(slug)), name: name ?? slug.capitalized))
    }

    @discardableResult
    func article(
        _ slug: String,
        title: String? = nil,
        body: String = "Some words about nothing in particular.",
        status: ArticleInput.StoredStatus = .published,
        publishedAt: Timestamp? = nil,
        author: String = "ada",
        tags: [String] = []
    ) async throws -> Article {
        try await articles.create(
            ArticleInput.make(
                slug: slug,
                title: title,
                body: body,
                status: status,
                publishedAt: publishedAt ?? (status == .published ? clock.now.adding(seconds: -60) : nil),
                author: author,
                tags: tags
            )
        )
    }
}

extension Slug {
    /// A slug the test knows to be valid.
    init(_ text: String) {
        self = Slug(parsing: text)!
    }
}

extension ArticleInput {
    static func make(
        slug: String?,
        title: String? = nil,
        body: String = "Some words about nothing in particular.",
        status: StoredStatus = .published,
        publishedAt: Timestamp?,
        author: String = "ada",
        tags: [String] = []
    ) -> ArticleInput {
        ArticleInput(
            slug: slug.map { .given(Slug($0)) } ?? .keep,
            title: title ?? slug.map { $0.replacingOccurrences(of: "-", with: " ").capitalized } ?? "Untitled",
            customExcerpt: nil,
            bodyMarkdown: body,
            status: status,
            publishedAt: publishedAt,
            featured: false,
            author: Slug(author),
            tags: tags.map(Slug.init),
            details: ArticleDetails()
        )
    }
}
