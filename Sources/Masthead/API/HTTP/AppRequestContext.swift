import Hummingbird
import MastheadDomain
import MastheadStorage
import NIOCore

/// The request context of every Masthead route.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's `X-Request-ID` when it sent a sane one, otherwise one of ours;
    /// set by `RequestIDMiddleware` before anything else runs.
    public var requestID: String = ""
    /// The peer's IP address, when the connection has one.
    public let peerAddress: String?
    /// The client's address as `ClientAddressMiddleware` settled it.
    public var clientAddress = "unknown"
    /// The token the request was authenticated with, set by `AuthenticationMiddleware`.
    public var token: TokenInfo?
    /// The query string, read once by `RequestQueryMiddleware` for every later reader.
    public var query = RequestQuery.unread
    /// The path as the router matches it (`RoutePath`), set with `query`.
    public var path = ""

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.peerAddress = source.channel.remoteAddress?.ipAddress
    }

    /// The request's token; throws 401 when there is none, 403 when it is too weak.
    @discardableResult
    public func require(_ scope: Scope) throws -> TokenInfo {
        guard let token else {
            throw ProblemError.tokenRequired(
                "This needs a token with \(scope.rawValue); send it as Authorization: Bearer."
            )
        }
        guard token.allows(scope) else {
            throw ProblemError(
                status: .forbidden,
                code: "insufficient_scope",
                detail: "This needs a token with \(scope.rawValue); this token has \(token.scope.rawValue)."
            )
        }
        return token
    }
}
