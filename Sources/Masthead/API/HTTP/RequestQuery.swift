import Foundation
import Hummingbird

/// A request's query string, read once by `RequestQueryMiddleware` and kept on the context,
/// so that every middleware and handler sees the same names and values: what the response
/// cache decides about a request (whether it carries a credential, which entry it is) is
/// decided on exactly what the handler will read. Names and values are percent-decoded,
/// `+` read as a space (as HTML forms send it).
public struct RequestQuery: Sendable {
    public struct Parameter: Sendable, Equatable {
        public let name: String
        public let value: String
    }

    /// Why the query cannot be read, when it cannot.
    package enum State: Sendable {
        case read([Parameter])
        /// A malformed percent-encoding: every reader answers 400.
        case malformed
        /// Never read: the middleware did not run. Treated as carrying a credential, so a
        /// route reached some other way is never shared.
        case unread
    }

    package let state: State

    package static let unread = RequestQuery(state: .unread)

    private init(state: State) {
        self.state = state
    }

    public init(_ query: String?) {
        guard let query, !query.isEmpty else {
            state = .read([])
            return
        }
        var parameters: [Parameter] = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = parts.count > 1 ? Self.decode(parts[1]) : ""
            else {
                state = .malformed
                return
            }
            parameters.append(Parameter(name: name, value: value))
        }
        state = .read(parameters)
    }

    /// The names that carry a credential in a query string: a preview link's token.
    package static let credentialNames: Set<String> = ["preview"]

    /// Whether the request may be answered from, or kept in, a cache shared by everyone:
    /// never when a parameter's name reads as a credential's in any case, nor when the query
    /// cannot be read at all.
    package var carriesCredential: Bool {
        guard case .read(let parameters) = state else { return true }
        return parameters.contains { Self.credentialNames.contains($0.name.lowercased()) }
    }

    /// The decoded parameters; 400 when the query is malformed.
    package func parameters() throws -> [Parameter] {
        switch state {
        case .read(let parameters):
            return parameters
        case .malformed:
            throw ProblemError(
                status: .badRequest,
                code: "invalid_query",
                detail: "The query string has a malformed percent-encoding."
            )
        case .unread:
            throw ProblemError(status: .internalServerError, code: "internal_error", detail: "The query was not read.")
        }
    }

    /// The parameters sorted by name (then value), each encoded one way: two spellings of
    /// one query share one cache entry, and no two queries that read differently do. Nil when
    /// the query cannot be read.
    package var canonical: String? {
        guard case .read(let parameters) = state else { return nil }
        return
            parameters
            .sorted { $0.name == $1.name ? $0.value < $1.value : $0.name < $1.name }
            .map { Self.encode($0.name) + "=" + Self.encode($0.value) }
            .joined(separator: "&")
    }

    /// Characters left as they are in a canonical name or value: RFC 3986's unreserved ones.
    private static let unreserved = CharacterSet(
        charactersIn: "-._~abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    )

    package static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }

    private static func decode(_ component: Substring) -> String? {
        component.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}

/// A request path as the router matches it: empty segments dropped (`/metrics/`,
/// `/v1//search` and `/v1/search` name one route), so that every middleware that decides by
/// path (the metrics token, the rate limit's costs and exemptions, the cache's keys) decides
/// on the route the request will reach.
package enum RoutePath {
    package static func normalized(_ path: String) -> String {
        "/" + path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
    }
}

/// Reads the query string once, before anything else looks at it (`RequestQuery`).
package struct RequestQueryMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext

    package func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.query = RequestQuery(request.uri.query)
        context.path = RoutePath.normalized(request.uri.path)
        return try await next(request, context)
    }
}
