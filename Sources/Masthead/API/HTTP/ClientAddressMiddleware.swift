import Hummingbird

/// Settles, once per request, which address the client has: the connection's peer, or,
/// behind `trustedProxies` reverse proxies, the address the outermost of them saw.
///
/// Each proxy appends the address it received the request from to `X-Forwarded-For`, so
/// the list is read from the right: the last entry was written by the nearest proxy, and
/// the entry `trustedProxies` from the right by the outermost one. Entries further left
/// came from the client and are the client's to forge; they are never used. Failed-login
/// limits and view counting key on the address.
package struct ClientAddressMiddleware: RouterMiddleware {
    package typealias Context = AppRequestContext

    /// How many proxies in front of the server append to `X-Forwarded-For`; 0 trusts none.
    package let trustedProxies: Int

    package func handle(
        _ request: Request,
        context: AppRequestContext,
        next: (Request, AppRequestContext) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.clientAddress =
            Self.forwardedAddress(request.headers[values: .xForwardedFor], trustedProxies: trustedProxies)
            ?? context.peerAddress ?? "unknown"
        return try await next(request, context)
    }

    /// The entry `trustedProxies` from the right of every `X-Forwarded-For` line read in
    /// order, or the leftmost when the list is shorter (all of it then came from proxies).
    package static func forwardedAddress(_ lines: [String], trustedProxies: Int) -> String? {
        guard trustedProxies > 0, !lines.isEmpty else { return nil }
        let entries = lines.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
        let entry = entries[max(0, entries.count - trustedProxies)].trimmingSpaces
        return entry.isEmpty ? nil : String(entry)
    }
}
