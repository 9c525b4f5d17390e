import Hummingbird
import Logging
import MastheadDomain
import MastheadStorage

/// Reads `Authorization: Bearer …`. A request without it goes on anonymously (routes that
/// need a token say so with `context.require(_:)`); a valid token is always served. A
/// request with a malformed, unknown, revoked or expired token is refused with the same 401
/// whatever the reason, and counts as a failed attempt for its client address; past the
/// limiter's limit such failures are answered 429. Tokens are only ever read from this header.
package struct AuthenticationMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext

    package let tokens: any TokenStore
    package let limiter: FailedAuthenticationLimiter
    package let clock: ContentClock

    package func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            return try await next(request, context)
        }
        guard let token = Self.bearerToken(header), let info = try await tokens.authenticate(token) else {
            if let seconds = limiter.recordFailure(for: context.clientAddress, at: clock.now) {
                throw ProblemError(
                    status: .tooManyRequests,
                    code: "too_many_failed_attempts",
                    detail: "Too many requests with invalid tokens from this address; try again in \(seconds) s.",
                    headers: [.retryAfter: String(seconds)]
                )
            }
            throw ProblemError(
                status: .unauthorized,
                code: "invalid_token",
                detail: "The token is not valid.",
                headers: [.wwwAuthenticate: #"Bearer error="invalid_token""#]
            )
        }
        var context = context
        context.token = info
        context.logger[metadataKey: "token_id"] = .stringConvertible(info.id)
        return try await next(request, context)
    }

    /// `Bearer <token>`, the scheme matched case-insensitively (RFC 9110 §11.1).
    package static func bearerToken(_ header: String) -> APIToken? {
        let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return APIToken(parsing: parts[1].trimmingSpaces)
    }
}

extension Substring {
    package var trimmingSpaces: Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
