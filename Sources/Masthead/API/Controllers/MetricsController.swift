import Hummingbird
import MastheadStorage

/// `GET /metrics`: every metric of `AppMetrics` in the Prometheus text format (0.0.4).
package struct MetricsController {
    package let metrics: AppMetrics
    package let cache: ResponseCache
    package let counter: ViewCounter
    package let database: any DatabaseStatus

    package var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("metrics", use: show)
        return routes
    }

    @Sendable package func show(_ request: Request, context: AppRequestContext) async throws -> Response {
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

/// With `--metrics-token`, `/metrics` answers only `Authorization: Bearer <that token>`,
/// compared in constant time; the header is then taken off, so that API token
/// authentication never reads it. Everything else passes untouched.
package struct MetricsAccessMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext

    package let token: [UInt8]

    package func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        guard RoutePath.normalized(request.uri.path) == "/metrics" else { return try await next(request, context) }
        guard let header = request.headers[.authorization], Self.matches(header, token) else {
            throw ProblemError.tokenRequired("GET /metrics needs the metrics token; send it as Authorization: Bearer.")
        }
        var head = request.head
        head.headerFields[.authorization] = nil
        return try await next(Request(head: head, body: request.body), context)
    }

    /// `Bearer <token>`, every byte compared whatever the first difference.
    package static func matches(_ header: String, _ token: [UInt8]) -> Bool {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        let given = Array(parts[1].trimmingSpaces.utf8)
        guard given.count == token.count else { return false }
        return zip(given, token).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
