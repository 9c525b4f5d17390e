import Hummingbird

/// Settles, once per request, which address the client has: the connection's peer, or,
/// behind a trusted reverse proxy, the first address in `X-Forwarded-For`. Failed-login
/// limits and view de-duplication key on it.
struct ClientAddressMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext

    let trustForwardedFor: Bool

    func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        if trustForwardedFor, let forwarded = request.headers[.xForwardedFor],
            let first = forwarded.split(separator: ",").first?.trimmingSpaces, !first.isEmpty
        {
            context.clientAddress = String(first)
        } else {
            context.clientAddress = context.peerAddress ?? "unknown"
        }
        return try await next(request, context)
    }
}
