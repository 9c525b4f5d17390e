import Hummingbird
import Logging
import MastheadDomain
import MastheadStorage

/// The one place errors become responses: RFC 9457 problem documents
/// (`application/problem+json`) carrying a `code` and the request id. An error nobody
/// anticipated is logged once, with the request id, and answered with a 500 that says
/// nothing about the inside of the server.
package struct ProblemMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext

    /// Which errors are the database's full disk or absence (the engine says).
    package var failures: @Sendable (any Error) -> DatabaseFailure? = { _ in nil }

    package func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ProblemError {
            return Self.response(for: error, context: context)
        } catch let error as StoreError {
            return Self.response(for: .from(error), context: context)
        } catch let failure as ValidationFailure {
            return Self.response(for: .from(failure), context: context)
        } catch let error as HTTPError {
            // Hummingbird's own errors: the router's "no such route" and request-level failures.
            let problem =
                switch error.status {
                case .notFound: ProblemError.routeNotFound(request.method, request.uri.path)
                default:
                    ProblemError(
                        status: error.status,
                        code: Self.code(for: error.status),
                        detail: error.status.reasonPhrase + "."
                    )
                }
            return Self.response(for: problem, context: context)
        } catch let error where failures(error) != nil {
            let failure = failures(error)!
            context.logger.warning(
                "Database failure",
                metadata: ["failure": "\(failure)", "error": "\(String(reflecting: error))"]
            )
            return Self.response(for: .from(failure), context: context)
        } catch {
            context.logger.error("Unexpected error", metadata: ["error": "\(String(reflecting: error))"])
            let problem = ProblemError(
                status: .internalServerError,
                code: "internal_error",
                detail: "The server could not complete the request. Quote the request id when reporting this."
            )
            return Self.response(for: problem, context: context)
        }
    }

    package static func response(for problem: ProblemError, context: AppRequestContext) -> Response {
        let document = ProblemDocument(
            title: problem.status.reasonPhrase,
            status: problem.status.code,
            detail: problem.detail,
            code: problem.code,
            requestID: context.requestID,
            errors: problem.errors
        )
        var headers = problem.headers
        headers[.contentType] = "application/problem+json"
        headers[.cacheControl] = "no-store"
        let body = JSONResponse.encode(document)
        return Response(status: problem.status, headers: headers, body: .init(byteBuffer: body))
    }

    private static func code(for status: HTTPResponse.Status) -> String {
        switch status {
        case .badRequest: "bad_request"
        case .contentTooLarge: "payload_too_large"
        case .unsupportedMediaType: "unsupported_media_type"
        case .methodNotAllowed: "method_not_allowed"
        default: status.code >= 500 ? "internal_error" : "http_\(status.code)"
        }
    }
}
