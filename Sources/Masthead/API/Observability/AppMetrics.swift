import MastheadDomain
import MastheadStorage
import Metrics
import Prometheus
import Synchronization

/// The application's metrics, recorded through swift-metrics on a Prometheus registry of
/// the application's own (not the process-wide `MetricsSystem`, so tests that build many
/// applications in one process keep their counts apart).
///
/// Requests are counted and timed by `MetricsMiddleware` as they happen. The response
/// cache, the view counter and the database keep counts of their own on their hot paths;
/// those are carried into the registry when it is scraped.
public final class AppMetrics: Sendable {
    package let registry = PrometheusCollectorRegistry()
    package let factory: PrometheusMetricsFactory

    private let cacheHits: Metrics.Counter
    private let cacheMisses: Metrics.Counter
    private let cacheEvictions: Metrics.Counter
    private let cacheStaleHits: Metrics.Counter
    private let cacheEntries: Metrics.Gauge
    private let cacheBytes: Metrics.Gauge
    private let viewsCounted: Metrics.Counter
    private let viewsFlushed: Metrics.Counter
    private let busyRetries: Metrics.Counter
    private let walBytes: Metrics.Gauge
    private let walCheckpoints: Metrics.Counter
    private let webhookPasses: Metrics.Counter
    /// The counts already carried into the registry.
    private let exported = Mutex(Snapshot())

    /// Counts kept outside the registry, read when it is scraped.
    package struct Snapshot {
        package var cacheHits = 0
        package var cacheMisses = 0
        package var cacheEvictions = 0
        package var cacheStaleHits = 0
        package var viewsCounted = 0
        package var viewsFlushed = 0
        package var busyRetries = 0
        package var walCheckpoints = 0
    }

    public init() {
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = [
            .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
            .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
            .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
        ]
        self.factory = factory
        cacheHits = Metrics.Counter(label: "masthead_cache_hits_total", factory: factory)
        cacheMisses = Metrics.Counter(label: "masthead_cache_misses_total", factory: factory)
        cacheEvictions = Metrics.Counter(label: "masthead_cache_evictions_total", factory: factory)
        cacheStaleHits = Metrics.Counter(label: "masthead_cache_stale_hits_total", factory: factory)
        cacheEntries = Metrics.Gauge(label: "masthead_cache_entries", factory: factory)
        cacheBytes = Metrics.Gauge(label: "masthead_cache_bytes", factory: factory)
        viewsCounted = Metrics.Counter(label: "masthead_views_counted_total", factory: factory)
        viewsFlushed = Metrics.Counter(label: "masthead_views_flushed_total", factory: factory)
        busyRetries = Metrics.Counter(label: "masthead_database_busy_retries_total", factory: factory)
        walBytes = Metrics.Gauge(label: "masthead_database_wal_bytes", factory: factory)
        walCheckpoints = Metrics.Counter(label: "masthead_database_wal_checkpoints_total", factory: factory)
        webhookPasses = Metrics.Counter(label: "masthead_webhook_passes_total", factory: factory)
    }

    /// One pass of the webhook dispatcher over the outbox ended, whether or not it worked: a
    /// dispatcher that stopped passing is seen, and a test can wait for a pass instead of a time.
    package func recordWebhookPass() {
        webhookPasses.increment()
    }

    /// Counts one answered request: `masthead_http_requests_total` and the
    /// `masthead_http_request_duration_seconds` histogram, by method, route pattern and status.
    /// Methods outside HTTP's usual ones are labelled `other`, so a client inventing methods
    /// cannot add series without bound (routes are patterns or `NotFound`, statuses few).
    package func recordRequest(method: String, route: String, status: Int, duration: Duration) {
        let key = RequestSeries(
            method: Self.labelledMethods.contains(method) ? method : "other",
            route: route,
            status: status
        )
        let (requests, latency) = requestSeries.withLock { series in
            if let known = series[key] { return known }
            let dimensions = [("method", key.method), ("route", key.route), ("status", String(key.status))]
            let made = (
                Metrics.Counter(label: "masthead_http_requests_total", dimensions: dimensions, factory: factory),
                Metrics.Timer(label: "masthead_http_request_duration_seconds", dimensions: dimensions, factory: factory)
            )
            series[key] = made
            return made
        }
        requests.increment()
        latency.recordNanoseconds(duration.nanoseconds)
    }

    private static let labelledMethods: Set<String> = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]

    private struct RequestSeries: Hashable {
        package let method: String
        package let route: String
        package let status: Int
    }

    /// Each series' metrics, made once: the registry's own lookup costs more per request.
    private let requestSeries = Mutex<[RequestSeries: (Metrics.Counter, Metrics.Timer)]>([:])

    /// The Prometheus text format (0.0.4) of every metric, after carrying in the counts
    /// kept elsewhere.
    package func exposition(
        cache: ResponseCache.Statistics,
        views: (counted: Int, flushed: Int),
        database: DatabaseCounts
    ) -> [UInt8] {
        exported.withLock { last in
            cacheHits.increment(by: cache.hits - last.cacheHits)
            cacheMisses.increment(by: cache.misses - last.cacheMisses)
            cacheEvictions.increment(by: cache.evictions - last.cacheEvictions)
            cacheStaleHits.increment(by: cache.staleHits - last.cacheStaleHits)
            viewsCounted.increment(by: views.counted - last.viewsCounted)
            viewsFlushed.increment(by: views.flushed - last.viewsFlushed)
            busyRetries.increment(by: database.busyRetries - last.busyRetries)
            walCheckpoints.increment(by: database.walCheckpoints - last.walCheckpoints)
            last = Snapshot(
                cacheHits: cache.hits,
                cacheMisses: cache.misses,
                cacheEvictions: cache.evictions,
                cacheStaleHits: cache.staleHits,
                viewsCounted: views.counted,
                viewsFlushed: views.flushed,
                busyRetries: database.busyRetries,
                walCheckpoints: database.walCheckpoints
            )
        }
        walBytes.record(database.walBytes)
        cacheEntries.record(cache.entries)
        cacheBytes.record(cache.bytes)
        return registry.emitToBuffer()
    }
}
