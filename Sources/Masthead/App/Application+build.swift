import GRDB
import Hummingbird
import Logging

/// The repositories the application serves from.
public struct Repositories: Sendable {
    public let articles: SQLiteArticleRepository
    public let authors: SQLiteAuthorRepository
    public let tags: SQLiteTagRepository
    public let catalog: SQLiteCatalogRepository
    public let tokens: SQLiteTokenRepository
    public let references: SQLiteReferenceRepository
    public let views: SQLiteViewRepository
    public let search: SQLiteSearchRepository

    public init(database: AppDatabase, clock: ContentClock) {
        self.articles = SQLiteArticleRepository(database: database, clock: clock)
        self.authors = SQLiteAuthorRepository(database: database, clock: clock)
        self.tags = SQLiteTagRepository(database: database, clock: clock)
        self.catalog = SQLiteCatalogRepository(database: database, clock: clock)
        self.tokens = SQLiteTokenRepository(database: database, clock: clock)
        self.references = SQLiteReferenceRepository(database: database)
        self.views = SQLiteViewRepository(database: database, clock: clock)
        self.search = SQLiteSearchRepository(database: database, clock: clock)
    }
}

/// Opens the database (applying migrations), loads the demo content when asked, and builds
/// the HTTP application. Everything but reading flags happens here, so tests build the same
/// application the binary runs.
///
/// With demo content and no token yet, an `admin` token named `demo` is made and handed to
/// `onDemoToken`, once: the caller shows it to the person who started the server. It is
/// never logged.
public func buildApplication(
    _ configuration: AppConfiguration,
    clock: ContentClock = .system,
    logger: Logger? = nil,
    onDemoToken: (APIToken) -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    var logger = logger ?? Logger(label: "masthead")
    logger.logLevel = configuration.logLevel
    let database = try AppDatabase(path: configuration.databasePath)
    let repositories = Repositories(database: database, clock: clock)
    if configuration.loadDemoContent {
        if try await DemoContent.load(into: database, now: clock.now) {
            logger.info("Loaded the demo publication", metadata: ["database": "\(configuration.databasePath)"])
        } else {
            logger.info("The database already holds content; demo content not loaded")
        }
        if try await repositories.tokens.isEmpty() {
            let (token, info) = try await repositories.tokens.create(name: "demo", scopes: [.admin], expiresAt: nil)
            logger.info("Created the demo admin token", metadata: ["token_id": "\(info.id)"])
            onDemoToken(token)
        }
    }
    let cache = ResponseCache(maximumBytes: configuration.cacheMaxBytes)
    let counter = ViewCounter(
        store: repositories.views,
        clock: clock,
        settings: configuration.views,
        logger: logger,
        onFlush: { cache.invalidate([.articles]) }
    )
    let router = MastheadRouter(
        database: database,
        repositories: repositories,
        counter: counter,
        cache: cache,
        cachePolicy: configuration.cachePolicy,
        clock: clock,
        trustProxy: configuration.trustProxy
    )
    var app = Application(
        router: router.router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Masthead"),
        logger: logger
    )
    // Stopped after the server (services stop in reverse order), so views counted while
    // the last requests drain are flushed too.
    app.addServices(counter)
    return app
}

/// Every route of the API, with the middleware they share. Paths a route serves answer
/// the methods they lack with 405 and `Allow`; paths no route serves answer 404.
public struct MastheadRouter {
    public let router: Router<AppRequestContext>
    /// The routes the API serves, without the generated 405 and OPTIONS answers.
    public let routes: [Router<AppRequestContext>.RouteDescription]

    public init(
        database: AppDatabase,
        repositories: Repositories,
        counter: ViewCounter,
        cache: ResponseCache,
        cachePolicy: CachePolicy = CachePolicy(),
        clock: ContentClock,
        trustProxy: Bool = false
    ) {
        let schedule = PublicationSchedule(articles: repositories.articles, clock: clock)
        let changes = ContentChanges(cache: cache, schedule: schedule)
        let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: ProblemMiddleware())
        router.add(middleware: ClientAddressMiddleware(trustForwardedFor: trustProxy))
        router.add(
            middleware: AuthenticationMiddleware(
                tokens: repositories.tokens,
                limiter: FailedAuthenticationLimiter(),
                clock: clock
            )
        )
        router.add(middleware: CachingMiddleware(cache: cache, policy: cachePolicy, schedule: schedule))
        router.addRoutes(HealthController(database: database).endpoints)
        router.addRoutes(MetricsController(cache: cache, counter: counter).endpoints)
        let articleWrites = ArticleWrites(
            repository: repositories.articles,
            references: repositories.references,
            clock: clock
        )
        let platformWrites = PlatformWrites(repository: repositories.catalog, references: repositories.references)
        let serviceWrites = ServiceWrites(repository: repositories.catalog, references: repositories.references)
        router.addRoutes(ArticleController(repository: repositories.articles).endpoints, atPath: "/v1/articles")
        router.addRoutes(WriteController(collection: articleWrites, changes: changes).endpoints, atPath: "/v1/articles")
        router.addRoutes(AuthorController(repository: repositories.authors).endpoints, atPath: "/v1/authors")
        router.addRoutes(
            WriteController(collection: AuthorWrites(repository: repositories.authors), changes: changes).endpoints,
            atPath: "/v1/authors"
        )
        router.addRoutes(TagController(repository: repositories.tags).endpoints, atPath: "/v1/tags")
        router.addRoutes(
            WriteController(collection: TagWrites(repository: repositories.tags), changes: changes).endpoints,
            atPath: "/v1/tags"
        )
        router.addRoutes(CatalogController(repository: repositories.catalog, changes: changes).endpoints, atPath: "/v1")
        router.addRoutes(
            WriteController(collection: platformWrites, changes: changes).endpoints,
            atPath: "/v1/platforms"
        )
        router.addRoutes(WriteController(collection: serviceWrites, changes: changes).endpoints, atPath: "/v1/services")
        router.addRoutes(TokenController().endpoints, atPath: "/v1/tokens")
        let discovery = DiscoveryController(
            articles: repositories.articles,
            views: repositories.views,
            counter: counter,
            targets: ViewTargets { cache.generation(of: .articles) }
        )
        router.addRoutes(discovery.articleEndpoints, atPath: "/v1/articles")
        router.addRoutes(discovery.popularEndpoints, atPath: "/v1/popular")
        router.addRoutes(SearchController(repository: repositories.search).endpoints, atPath: "/v1/search")
        self.routes = router.routes
        router.answerMissingMethods()
        self.router = router
    }
}

extension Router where Context == AppRequestContext {
    /// The methods a route may be asked for; others are left to the router's 404.
    private static var answeredMethods: [HTTPRequest.Method] { [.get, .head, .post, .put, .patch, .delete, .options] }

    /// For every path that has routes: `OPTIONS` answers 204 with `Allow`, and any other
    /// method the path lacks answers 405 with `Allow`. Call after the last route is added.
    func answerMissingMethods() {
        for routesOfPath in Dictionary(grouping: routes, by: \.path.description).values {
            let path = routesOfPath[0].path
            var served = Set(routesOfPath.map(\.method))
            if served.contains(.get) { served.insert(.head) }  // generated by the router
            let allowed = Self.answeredMethods.filter { served.contains($0) || $0 == .options }
            let allow = allowed.map(\.rawValue).joined(separator: ", ")
            for method in Self.answeredMethods where !served.contains(method) {
                on(path, method: method) { request, _ -> Response in
                    guard request.method == .options else {
                        throw ProblemError.methodNotAllowed(request.method, allowed: allowed)
                    }
                    return Response(status: .noContent, headers: [.allow: allow])
                }
            }
        }
    }
}
