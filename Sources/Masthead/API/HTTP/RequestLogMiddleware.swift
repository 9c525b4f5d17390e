import Foundation
import Hummingbird
import Logging
import NIOCore

/// One log line per request, when its response is ready: method, route (the pattern, so
/// no slug, query string or token ends up in the log), status, body bytes and duration.
/// The request id comes with the logger's metadata.
package struct RequestLogMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext

    package func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        let start = ContinuousClock.now
        let response = try await next(request, context)
        let elapsed = ContinuousClock.now - start
        let microseconds = elapsed.components.seconds * 1_000_000 + elapsed.components.attoseconds / 1_000_000_000_000
        context.logger.info(
            "request",
            metadata: [
                "method": .string(request.method.rawValue),
                "route": .string(context.endpointPath ?? "unmatched"),
                "status": .string(String(response.status.code)),
                "bytes": .string(String(response.body.contentLength ?? 0)),
                "duration_ms": .string(Self.milliseconds(microseconds)),
            ]
        )
        return response
    }

    /// `12.345`: milliseconds with three decimals, without `String(format:)`, which costs
    /// more than the rest of the line.
    package static func milliseconds(_ microseconds: Int64) -> String {
        let fraction = String(microseconds % 1000)
        return String(microseconds / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
