import Foundation
import Hummingbird
import Logging
import MastheadDomain
import MastheadMedia
import MastheadStorage
import NIOCore
import ServiceLifecycle
import UnixSignals

/// Opens the database (applying migrations), loads the demo content when asked, and builds
/// the HTTP application. Everything but reading flags happens here, so tests build the same
/// application the binary runs.
///
/// With demo content and no token yet, an `admin` token named `demo` is made and handed to
/// `onDemoToken`, once: the caller shows it to the person who started the server. It is
/// never logged. `onServerRunning` is told when the server listens (tests bound to port 0
/// learn their port from it).
public func buildApplication(
    _ configuration: AppConfiguration,
    clock: ContentClock = .system,
    logger: Logger? = nil,
    watch: ShutdownWatch? = nil,
    onDemoToken: (APIToken) -> Void = { _ in },
    onServerRunning: @escaping @Sendable (any Channel) async -> Void = { _ in }
) async throws -> some ApplicationProtocol {
    var logger = logger ?? Logger(label: "masthead")
    logger.logLevel = configuration.logLevel
    let database = try await DatabaseConnection.open(configuration, logger: logger)
    let stores = database.stores(clock: clock, limits: configuration.storeLimits, kinds: configuration.describedKinds)
    if configuration.loadDemoContent {
        if try await database.loadDemoContent(now: clock.now, stores: stores) {
            try await DemoPictures.add(to: stores, settings: configuration.media)
            logger.info("Loaded the demo publication", metadata: ["database": "\(database.location)"])
        } else {
            logger.info("The database already holds content; demo content not loaded")
        }
        if configuration.makeDemoToken,
            let (token, info) = try await stores.tokens.createFirst(name: "demo", scopes: [.admin])
        {
            logger.info("Created the demo admin token", metadata: ["token_id": "\(info.id)"])
            onDemoToken(token)
        }
    }
    let cache = ResponseCache(
        maximumBytes: configuration.cacheMaxBytes,
        countLagSeconds: Int64(configuration.cachePolicy.maxAge),
        staleIfErrorSeconds: Int64(configuration.cachePolicy.staleIfError),
        clock: clock
    )
    let metrics = AppMetrics()
    let counter = ViewCounter(
        store: stores.views,
        clock: clock,
        settings: configuration.views,
        logger: logger,
        onFlush: { cache.countsChanged(in: [.articles]) }
    )
    let router = MastheadRouter(
        database: database.status,
        stores: stores,
        counter: counter,
        cache: cache,
        clock: clock,
        configuration: configuration,
        metrics: metrics,
        reservation: DatabaseReservation(connections: database.readConnections(configuration)),
        failures: database.failures
    )
    let limits = configuration.limits
    var app = Application(
        router: router.router,
        server: .http1(
            configuration: .init(
                additionalChannelHandlers: [
                    RequestReadTimeoutHandler(timeout: TimeAmount(limits.readTimeout)),
                    ResponseWriteTimeoutHandler(timeout: TimeAmount(limits.writeTimeout)),
                ],
                idleTimeout: TimeAmount(limits.idleTimeout),
                httpDecoderConfiguration: .init(
                    maxHeaderFieldSize: limits.maxHeaderBytes,
                    maxHeaderListSize: limits.maxHeaderBytes,
                    maxHeaderFieldCount: 200
                )
            )
        ),
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Masthead"),
        onServerRunning: onServerRunning,
        logger: logger
    )
    // Services stop in reverse order, after the server: webhook deliveries in flight finish,
    // views counted while the last requests drain are flushed, then the database closes.
    let webhooks = WebhookDispatcher(
        store: stores.webhooks,
        payloads: WebhookPayloads(stores: stores, media: configuration.media),
        clock: clock,
        settings: configuration.webhooks,
        logger: logger,
        metrics: metrics
    )
    var services = database.services(logger: logger, litestream: configuration.litestream) + [counter, webhooks]
    if let feed = database.changeFeed {
        services.append(await ChangeFeedService.listening(to: feed, changes: router.changes, logger: logger))
    }
    // Each by its type's name, for the shutdown watch to say which did not stop.
    app.addServices(services.map { watch?.watching($0, as: String(describing: type(of: $0))) ?? $0 })
    return app
}

/// Every route of the API, with the middleware they share. Paths a route serves answer
/// the methods they lack with 405 and `Allow`; paths no route serves answer 404.
public struct MastheadRouter {
    public let router: Router<AppRequestContext>
    /// Where writes are reported, here and as heard from other instances.
    public let changes: ContentChanges
    /// The routes the API serves, without the generated 405 and OPTIONS answers.
    public let routes: [Router<AppRequestContext>.RouteDescription]

    public init(
        database: any DatabaseStatus,
        stores: Stores,
        counter: ViewCounter,
        cache: ResponseCache,
        clock: ContentClock,
        configuration: AppConfiguration = AppConfiguration(),
        metrics: AppMetrics = AppMetrics(),
        reservation: DatabaseReservation = DatabaseReservation(connections: 5),
        failures: @escaping @Sendable (any Error) -> DatabaseFailure? = { _ in nil }
    ) {
        let content = stores.content
        let catalog = stores.catalog
        let schedule = PublicationSchedule(articles: content.articles, clock: clock)
        let changes = ContentChanges(cache: cache, schedule: schedule)
        let router = Router(context: AppRequestContext.self, options: .autoGenerateHeadEndpoints)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: RequestQueryMiddleware())
        router.add(middleware: RequestLogMiddleware())
        router.add(middleware: MetricsMiddleware(metrics: metrics))
        router.add(middleware: CORSMiddleware(policy: configuration.corsOrigins))
        router.add(middleware: ProblemMiddleware(failures: failures))
        if let folder = configuration.siteFolder {
            router.add(middleware: SiteMiddleware(folder: folder))
        }
        let servedPaths = ServedPaths()
        router.add(middleware: UnknownMethodMiddleware(paths: servedPaths))
        router.add(
            middleware: ClientAddressMiddleware(trustedProxies: configuration.trustProxy ? configuration.proxyHops : 0)
        )
        if configuration.metricsEnabled, let token = configuration.metricsToken {
            router.add(middleware: MetricsAccessMiddleware(token: Array(token.utf8)))
        }
        router.add(
            middleware: AuthenticationMiddleware(
                tokens: stores.tokens,
                limiter: FailedAuthenticationLimiter(limit: configuration.authFailureLimit),
                clock: clock
            )
        )
        router.add(
            middleware: RateLimitMiddleware(
                anonymous: configuration.rateLimit.isOff
                    ? nil : RateLimiter(policy: configuration.rateLimit, clock: clock),
                tokens: RateLimiter(policy: RateLimitMiddleware.tokenPolicy(60), clock: clock, maximumAddresses: 10_000)
            )
        )
        router.add(
            middleware: CachingMiddleware(
                cache: cache,
                policy: configuration.cachePolicy,
                schedule: schedule,
                reservation: reservation,
                failures: failures,
                described: Set(stores.describedKinds.map { $0.table })
            )
        )
        router.addRoutes(HealthController(database: database).endpoints)
        if configuration.metricsEnabled {
            router.addRoutes(
                MetricsController(metrics: metrics, cache: cache, counter: counter, database: database).endpoints
            )
        }
        router.addRoutes(OpenAPIController().endpoints)
        router.addRoutes(FeedController(articles: content.articles, catalog: catalog).endpoints)
        let library = MediaLibrary(store: stores.media, settings: configuration.media)
        let articles = ArticleCollection(authors: content.authors, tags: content.tags, clock: clock, media: library)
        let authors = AuthorCollection(media: library)
        let tags = TagCollection()
        let platforms = PlatformCollection(services: catalog.services)
        let services = ServiceCollection(platforms: catalog.platforms)
        let previews = PreviewController(previews: stores.previews, clock: clock, frontEnd: configuration.previewURL)
        router.addRoutes(
            ArticleController(
                articles: content.articles,
                previews: PreviewAccess(previews: stores.previews, clock: clock),
                media: library
            ).endpoints,
            atPath: "/v1/articles"
        )
        router.addRoutes(previews.articleEndpoints, atPath: "/v1/articles")
        router.addRoutes(previews.secretEndpoints, atPath: "/v1/preview-links")
        router.addRoutes(TagController(tags: content.tags).endpoints, atPath: "/v1/tags")
        router.addRoutes(
            CollectionReadController(collection: authors, store: content.authors).endpoints,
            atPath: "/v1/authors"
        )
        router.addRoutes(
            CollectionReadController(collection: platforms, store: catalog.platforms).endpoints,
            atPath: "/v1/platforms"
        )
        router.addRoutes(
            CollectionReadController(collection: services, store: catalog.services).endpoints,
            atPath: "/v1/services"
        )
        router.addRoutes(CatalogController(catalog: catalog, changes: changes).endpoints, atPath: "/v1")
        @discardableResult
        func addWrites<Collection: WritableCollection, Store: ResourceStore>(
            _ collection: Collection,
            _ store: Store
        ) -> WriteController<Collection>
        where Store.Resource == Collection.Resource, Store.Input == Collection.Input {
            let writes = WriteController(collection: collection, store: store, changes: changes)
            router.addRoutes(writes.endpoints, atPath: RouterPath(Collection.path))
            return writes
        }
        let articleWrites = addWrites(articles, content.articles)
        let revisions = RevisionController(revisions: stores.revisions, writes: articleWrites)
        router.addRoutes(revisions.endpoints, atPath: "/v1/articles")
        addWrites(authors, content.authors)
        addWrites(tags, content.tags)
        addWrites(platforms, catalog.platforms)
        addWrites(services, catalog.services)
        func addDescribed<Input: DescribedInput>(_: Input.Type) {
            let collection = DescribedCollection<Input>()
            let store = stores.described.store(for: Input.self)
            router.addRoutes(
                CollectionReadController(collection: collection, store: store).endpoints,
                atPath: RouterPath(Input.path)
            )
            let writes = WriteController(collection: collection, store: store, changes: changes)
            router.addRoutes(writes.endpoints, atPath: RouterPath(Input.path))
        }
        for kind in stores.describedKinds { addDescribed(kind) }
        let mediaFolder = configuration.media.cacheFolder ?? MediaCache.defaultFolder(port: configuration.port)
        let images = MediaImages(
            store: stores.media,
            cache: MediaCache(folder: mediaFolder, maxBytes: configuration.media.cacheMaxBytes),
            maximumWidth: configuration.media.maximumWidth
        )
        router.addRoutes(
            MediaController(
                store: stores.media,
                uploads: MediaUploads(folder: mediaFolder + "/uploads", maxBytes: configuration.media.maxUploadBytes),
                settings: configuration.media,
                changes: changes,
                images: images
            ).endpoints,
            atPath: "/v1/media"
        )
        router.addRoutes(
            ImageController(store: stores.media, images: images, settings: configuration.media).endpoints,
            atPath: "/media"
        )
        router.addRoutes(TokenController().endpoints, atPath: "/v1/tokens")
        router.addRoutes(
            WebhookController(webhooks: stores.webhooks, targets: configuration.webhooks.targets).endpoints,
            atPath: "/v1/webhooks"
        )
        let discovery = DiscoveryController(
            articles: content.articles,
            views: stores.views,
            counter: counter,
            targets: ViewTargets { cache.generation(of: .articles) },
            media: library
        )
        router.addRoutes(discovery.articleEndpoints, atPath: "/v1/articles")
        router.addRoutes(discovery.popularEndpoints, atPath: "/v1/popular")
        router.addRoutes(SearchController(search: stores.search).endpoints, atPath: "/v1/search")
        self.routes = router.routes
        self.changes = changes
        router.answerMissingMethods(recordingIn: servedPaths)
        self.router = router
    }
}

extension Router where Context == AppRequestContext {
    /// The methods a route may be asked for; `UnknownMethodMiddleware` answers the others.
    private static var answeredMethods: [HTTPRequest.Method] { [.get, .head, .post, .put, .patch, .delete, .options] }

    /// For every path that has routes: `OPTIONS` answers 204 with `Allow`, and any other
    /// method the path lacks answers 405 with `Allow`; `paths` learns every path and its
    /// methods. Call after the last route is added.
    package func answerMissingMethods(recordingIn paths: ServedPaths) {
        for routesOfPath in Dictionary(grouping: routes, by: \.path.description).values {
            let path = routesOfPath[0].path
            var served = Set(routesOfPath.map(\.method))
            if served.contains(.get) { served.insert(.head) }  // generated by the router
            let allowed = Self.answeredMethods.filter { served.contains($0) || $0 == .options }
            let allow = allowed.map(\.rawValue).joined(separator: ", ")
            paths.add(pattern: path.description, allowed: allowed)
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

/// The service group the binary runs the application in: SIGTERM and SIGINT start a
/// graceful shutdown (the server stops accepting connections and finishes its in-flight
/// requests, the view counter flushes, the database closes); whatever is still running
/// after `shutdownTimeout` is cancelled.
public func makeServiceGroup(
    running app: some ApplicationProtocol,
    shutdownTimeout: Duration,
    signals: [UnixSignal] = [.sigterm, .sigint],
    watch: ShutdownWatch? = nil,
    logger: Logger
) -> ServiceGroup {
    var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
        .init(service: watch?.watching(app, as: "HTTPServer") ?? app)
    ]
    if let watch {
        services.append(.init(service: ShutdownWatchService(watch: watch), successTerminationBehavior: .ignore))
    }
    var configuration = ServiceGroupConfiguration(
        services: services,
        gracefulShutdownSignals: signals,
        logger: logger
    )
    configuration.maximumGracefulShutdownDuration = shutdownTimeout
    return ServiceGroup(configuration: configuration)
}

/// Applies what other instances sharing the database commit to this instance's cache, until
/// graceful shutdown.
package struct ChangeFeedService: ServiceLifecycle.Service {
    package let following: Task<Void, Never>

    /// How long start-up waits for the feed before serving without it (it keeps trying).
    package static let startTimeout: Duration = .seconds(5)

    /// Starts following `feed` and returns once it listens: an instance that answered before
    /// could cache content another instance changes meanwhile, unheard.
    package static func listening(to feed: any ChangeFeed, changes: ContentChanges, logger: Logger) async
        -> ChangeFeedService
    {
        let (started, signal) = AsyncStream.makeStream(of: Void.self)
        let following = Task {
            await feed.follow(listening: { signal.yield() }) { changes.heard($0) }
        }
        let listens = await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                for await _ in started { return true }
                return false
            }
            group.addTask {
                try? await Task.sleep(for: startTimeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
        signal.finish()  // later starts need no one told
        if !listens {
            logger.warning("Not yet hearing other instances' writes; serving, and listening as soon as it can")
        }
        return ChangeFeedService(following: following)
    }

    package func run() async throws {
        try? await gracefulShutdown()
        following.cancel()
        await following.value
    }
}
