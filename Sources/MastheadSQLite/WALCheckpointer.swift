import Logging
import MastheadDomain
import ServiceLifecycle

/// Keeps the write-ahead log bounded under any load: every `interval` it looks at the
/// log's size, and past `thresholdBytes` checkpoints and truncates it. Once writes stop, it
/// also truncates whatever log is left at the next tick, so an idle database keeps no log.
/// A service of the application; it stops on graceful shutdown (the database's own close
/// checkpoints last).
package struct WALCheckpointer: ServiceLifecycle.Service {
    package let database: AppDatabase
    package var interval: Duration = .seconds(1)
    package var thresholdBytes = AppDatabase.journalSizeLimit
    package let logger: Logger

    package init(
        database: AppDatabase,
        interval: Duration = .seconds(1),
        thresholdBytes: Int = AppDatabase.journalSizeLimit,
        logger: Logger
    ) {
        self.database = database
        self.interval = interval
        self.thresholdBytes = thresholdBytes
        self.logger = logger
    }

    /// Checkpoints when the log is past the threshold, or when `idle` (nothing was written
    /// since the last look) and there is any log at all; returns whether it did.
    @discardableResult
    package func checkpointIfNeeded(idle: Bool = false) async throws -> Bool {
        let bytes = database.walBytes
        guard bytes > thresholdBytes || (idle && bytes > 0) else { return false }
        try await database.checkpoint()
        return true
    }

    package func run() async throws {
        var lastChanges = -1
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch is CancellationError {
                break
            }
            do {
                let changes = try await database.committedChanges()
                try await checkpointIfNeeded(idle: changes == lastChanges)
                lastChanges = changes
            } catch {
                logger.warning(
                    "Could not checkpoint the write-ahead log; trying again later",
                    metadata: ["error": "\(error)", "wal_bytes": "\(database.walBytes)"]
                )
            }
        }
    }
}
