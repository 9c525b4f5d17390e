import Logging
import MastheadDomain
import PostgresNIO
import ServiceLifecycle

/// Runs the engine's connection pool from start-up (migrations and demo content need it
/// before the server listens) until graceful shutdown. Registered before the services that
/// write, so it stops after them: the view counter's last flush still finds it running.
public final class PostgresClientService: ServiceLifecycle.Service, Sendable {
    private let pool: PostgresPool
    private let logger: Logger

    public init(engine: PostgresEngine) {
        pool = engine.pool
        logger = engine.logger
        pool.start()
    }

    public func run() async throws {
        try? await gracefulShutdown()
        await pool.stop()
        logger.info("Database connections closed")
    }

    /// Closes the pool; for commands that end without a service group.
    public func stop() {
        pool.close()
    }
}

extension PostgresEngine {
    /// One line for an operator about why the database could not be used, never with the
    /// password or the query.
    public static func describe(_ error: any Error) -> String {
        guard let error = error as? PSQLError else {
            // The pool gives up after repeated failures to connect, saying only that.
            let text = String(describing: error)
            return text.contains("CircuitBreakerTripped")
                ? "the server did not accept a connection (refused, unreachable or timed out)" : text
        }
        if let message = error.serverInfo?[.message] {
            let code = error.serverInfo?[.sqlState].map { " (SQLSTATE \($0))" } ?? ""
            return message + code
        }
        if "\(error.code)" == "sslUnsupported" { return "the server does not offer TLS, which the sslmode asks for" }
        if let underlying = error.underlying { return String(describing: underlying) }
        return "\(error.code)"
    }
}
