import Hummingbird

/// The request context of every Masthead route.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's `X-Request-ID` when it sent a sane one, otherwise one of ours;
    /// set by `RequestIDMiddleware` before anything else runs.
    public var requestID: String = ""

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }
}
