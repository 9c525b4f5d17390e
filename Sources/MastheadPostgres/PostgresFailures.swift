import MastheadStorage
import PostgresNIO
import _ConnectionPoolModule

/// PostgreSQL's errors that are a `DatabaseFailure`: the server out of disk (SQLSTATE
/// 53100); out of memory or connections (53200, 53300: passing) and every way of not reaching
/// it are `unavailable`: a connection lost,
/// refused or never made (the pool gives up on it), the server shutting down (57P01–57P03)
/// or a connection exception (08xxx).
package enum PostgresFailures {
    package static func failure(of error: any Error) -> DatabaseFailure? {
        if error is PostgresUnreachable || error is PostgresConnectionClosed { return .unavailable }
        if let error = error as? PSQLError {
            if let state = error.serverInfo?[.sqlState] {
                if state == "53100" { return .full }
                if state.hasPrefix("53") || PostgresPool.isLostServer(state) {
                    return .unavailable
                }
                return nil
            }
            switch error.code {
            case .connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
                return .unavailable
            default:
                return nil
            }
        }
        // The pool's own errors: no connection could be had (refused, timed out, circuit open,
        // or the pool was replaced while the request waited).
        return error is ConnectionPoolError ? .unavailable : nil
    }
}
