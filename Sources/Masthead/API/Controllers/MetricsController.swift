import Hummingbird

/// `GET /metrics`: every metric of `AppMetrics` in the Prometheus text format (0.0.4).
struct MetricsController {
    let metrics: AppMetrics
    let cache: ResponseCache
    let counter: ViewCounter
    let database: any DatabaseStatus

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("metrics", use: show)
        return routes
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try QueryReader(context, allowed: [])
        let text = metrics.exposition(
            cache: cache.statistics,
            views: counter.statistics,
            database: database.counts
        )
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: text))
        )
    }
}
