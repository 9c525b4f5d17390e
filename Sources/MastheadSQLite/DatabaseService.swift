import Logging
import MastheadDomain
import ServiceLifecycle

/// Keeps the database open while the application runs and closes it cleanly on graceful
/// shutdown. Registered before the services that write to it, so it stops after them
/// (services stop in reverse order): the view counter's last flush still finds it open.
package struct DatabaseService: ServiceLifecycle.Service {
    package let database: AppDatabase
    /// The database is replicated by Litestream: the last checkpoint is passive too.
    package var passiveCheckpoints = false
    package let logger: Logger

    package func run() async throws {
        try? await gracefulShutdown()
        try database.close(passive: passiveCheckpoints)
        logger.info("Database closed")
    }

    package init(database: AppDatabase, passiveCheckpoints: Bool = false, logger: Logger) {
        self.database = database
        self.passiveCheckpoints = passiveCheckpoints
        self.logger = logger
    }
}
