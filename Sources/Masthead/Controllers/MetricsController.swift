import Hummingbird

/// `GET /metrics`: the response cache's and the view counter's counters, in the Prometheus
/// text format (version 0.0.4).
struct MetricsController {
    let cache: ResponseCache
    let counter: ViewCounter

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("metrics", use: metrics)
        return routes
    }

    @Sendable func metrics(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try QueryReader(request, allowed: [])
        let cache = cache.statistics
        let views = counter.statistics
        let samples: [(name: String, type: String, help: String, value: Int)] = [
            ("masthead_cache_hits_total", "counter", "Responses served from the response cache.", cache.hits),
            ("masthead_cache_misses_total", "counter", "Cacheable requests the cache could not answer.", cache.misses),
            (
                "masthead_cache_evictions_total", "counter", "Entries evicted to stay within the byte bound.",
                cache.evictions
            ),
            ("masthead_cache_entries", "gauge", "Responses held by the cache.", cache.entries),
            ("masthead_cache_bytes", "gauge", "Bytes held by the cache.", cache.bytes),
            ("masthead_views_counted_total", "counter", "Article views counted.", views.counted),
            ("masthead_views_flushed_total", "counter", "Article views written to the database.", views.flushed),
        ]
        let text = samples.map {
            "# HELP \($0.name) \($0.help)\n# TYPE \($0.name) \($0.type)\n\($0.name) \($0.value)\n"
        }
        .joined()
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }
}
