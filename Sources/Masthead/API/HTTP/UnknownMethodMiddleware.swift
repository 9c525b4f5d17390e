import Hummingbird
import Synchronization

/// The paths the router serves and the methods each allows, filled in once every route
/// is added.
package final class ServedPaths: Sendable {
    private let table = Mutex<[(segments: [Substring], allowed: [HTTPRequest.Method])]>([])

    package func add(pattern: String, allowed: [HTTPRequest.Method]) {
        let segments = pattern.split(separator: "/")
        table.withLock { $0.append((segments, allowed)) }
    }

    /// The methods of the route pattern `path` matches, if any (a parameter segment,
    /// `{slug}` or `:slug`, matches any segment).
    package func allowed(for path: String) -> [HTTPRequest.Method]? {
        let segments = path.split(separator: "/")
        return table.withLock { table in
            table.first { entry in
                entry.segments.count == segments.count
                    && zip(entry.segments, segments).allSatisfy { $0.first == "{" || $0.first == ":" || $0 == $1 }
            }?.allowed
        }
    }
}

/// Answers 405 with `Allow` for a method no route knows (`QUERY`, `PROPFIND`…) on a path
/// that exists (only the router throws `HTTPError` 404; handlers throw `ProblemError`). The
/// methods HTTP defines are answered by generated routes already.
package struct UnknownMethodMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext

    package let paths: ServedPaths

    package func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where error.status == .notFound {
            guard let allowed = paths.allowed(for: request.uri.path) else { throw error }
            throw ProblemError.methodNotAllowed(request.method, allowed: allowed)
        }
    }
}
