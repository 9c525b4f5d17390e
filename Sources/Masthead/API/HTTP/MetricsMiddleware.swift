import Hummingbird

/// Counts and times every request by method, route pattern (never the raw path, so slugs
/// cannot multiply the series) and status. It sits outside `ProblemMiddleware`, so errors
/// are counted with the status of the problem response they became.
package struct MetricsMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext

    package let metrics: AppMetrics

    package func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        var status = 500
        defer {
            metrics.recordRequest(
                method: request.method.rawValue,
                route: context.endpointPath ?? "unmatched",
                status: status,
                duration: ContinuousClock.now - start
            )
        }
        let response = try await next(request, context)
        status = response.status.code
        return response
    }
}
