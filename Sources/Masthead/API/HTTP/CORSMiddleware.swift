import Foundation
import HTTPTypes
import Hummingbird

/// Which browser origins may call the API. Content is public, so `*` (the default) lets
/// any page read it, and do what needs no token (count a view); writes carry a token, and
/// a browser may send a token with anything but a read only from an origin listed by name,
/// so a token pasted into the wrong page cannot be used to write from it.
public struct CORSPolicy: Sendable, Equatable {
    /// Any origin may read (`GET`, `HEAD`), and send other requests without a token.
    public var anyOriginReads: Bool
    /// Origins that may read and write, such as `https://admin.example.com`.
    public var origins: Set<String>

    public init(anyOriginReads: Bool = true, origins: Set<String> = []) {
        self.anyOriginReads = anyOriginReads
        self.origins = origins
    }

    /// `*`, origins (`scheme://host[:port]`), or both, comma-separated; empty allows no origin.
    public init?(parsing text: String) {
        self.init(anyOriginReads: false)
        for item in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !item.isEmpty {
            if item == "*" {
                anyOriginReads = true
            } else if item.wholeMatch(of: #/https?://[a-z0-9.\-]+(:[0-9]{1,5})?/#) != nil {
                origins.insert(item)
            } else {
                return nil
            }
        }
    }
}

/// Answers CORS preflights and marks responses readable by the origins `CORSPolicy`
/// allows. Every response says `Vary: Origin`, since any of them would differ had the
/// request carried another `Origin` (or none): a shared cache must not hand a response
/// made for one origin to another. A request without `Origin` (curl, servers) gets no
/// other CORS header. A preflight is
/// answered only on paths that exist: the route's own `OPTIONS` answer (204 with `Allow`)
/// gains the CORS headers, or stays without them when the origin may not do what it asks.
package struct CORSMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext

    package let policy: CORSPolicy

    package static let allowedHeaders = "Authorization, Content-Type, If-Match, If-None-Match, X-Request-ID"
    /// What a request without a token may carry.
    package static let tokenlessHeaders = "Content-Type, If-Match, If-None-Match, X-Request-ID"
    package static let exposedHeaders = "ETag, Link, Location, Retry-After, X-Cache, X-Request-ID, X-Total-Count"
    /// How long a browser may reuse a preflight answer, in seconds.
    package static let preflightMaxAge = "600"

    package func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        var response = try await next(request, context)
        response.headers.append(HTTPField(name: .vary, value: "Origin"))
        guard let origin = request.headers[.origin] else { return response }
        let listed = policy.origins.contains(origin)
        if request.method == .options, let asked = request.headers[.accessControlRequestMethod] {
            guard response.status == .noContent else { return response }
            let reads = asked == "GET" || asked == "HEAD"
            let withToken = (request.headers[.accessControlRequestHeaders] ?? "").lowercased()
                .split(separator: ",").contains { $0.trimmingCharacters(in: .whitespaces) == "authorization" }
            let allowed =
                response.headers[.allow]?.split(separator: ",")
                .contains { $0.trimmingCharacters(in: .whitespaces) == asked } ?? false
            if listed {
                response.headers[.accessControlAllowOrigin] = origin
                response.headers[.accessControlAllowMethods] = response.headers[.allow] ?? asked
                response.headers[.accessControlAllowHeaders] = Self.allowedHeaders
            } else if policy.anyOriginReads && reads {
                response.headers[.accessControlAllowOrigin] = "*"
                response.headers[.accessControlAllowMethods] = "GET, HEAD"
                response.headers[.accessControlAllowHeaders] = Self.allowedHeaders
            } else if policy.anyOriginReads && !withToken && allowed {
                response.headers[.accessControlAllowOrigin] = "*"
                response.headers[.accessControlAllowMethods] = asked
                response.headers[.accessControlAllowHeaders] = Self.tokenlessHeaders
            } else {
                return response
            }
            response.headers[.accessControlMaxAge] = Self.preflightMaxAge
            return response
        }
        let reads = request.method == .get || request.method == .head
        if listed {
            response.headers[.accessControlAllowOrigin] = origin
        } else if policy.anyOriginReads && (reads || request.headers[.authorization] == nil) {
            response.headers[.accessControlAllowOrigin] = "*"
        } else {
            return response
        }
        response.headers[.accessControlExposeHeaders] = Self.exposedHeaders
        return response
    }
}
