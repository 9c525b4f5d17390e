import Logging
import MastheadDomain
import MastheadPostgres
import MastheadSQLite
import MastheadStorage
import PostgresNIO
import ServiceLifecycle

/// The database `--db` names, open: an SQLite file (the default) or a PostgreSQL URL.
public struct DatabaseConnection: Sendable {
    public enum Engine: Sendable {
        case sqlite(AppDatabase)
        case postgres(PostgresEngine, PostgresClientService)
    }

    public let engine: Engine
    /// Where it is, for messages: a path, or the URL with its password hidden.
    public let location: String

    /// Opens the database and applies pending migrations. A PostgreSQL server that cannot be
    /// reached or refuses the credentials ends here, with the reason.
    public static func open(_ configuration: AppConfiguration, logger: Logger) async throws -> DatabaseConnection {
        guard PostgresLocation.isURL(configuration.databasePath) else {
            let database = try AppDatabase(path: configuration.databasePath, durability: configuration.synchronous)
            return DatabaseConnection(engine: .sqlite(database), location: configuration.databasePath)
        }
        var location = try PostgresLocation(url: configuration.databasePath)
        location.maximumConnections = configuration.databaseConnections
        do {
            try await location.probe(logger: logger)
        } catch {
            throw OpenFailure(description: "\(location): \(PostgresEngine.describe(error))")
        }
        let server = location
        let pool = PostgresPool(
            makeClient: { PostgresClient(configuration: server.clientConfiguration, backgroundLogger: logger) },
            probe: { try await server.probe(logger: logger, timeout: .milliseconds(1500)) },
            logger: logger
        )
        let engine = PostgresEngine(pool: pool, logger: logger)
        let service = PostgresClientService(engine: engine)
        await Task.yield()  // lets the pool start before the first lease
        do {
            try await engine.migrate()
        } catch {
            service.stop()
            throw OpenFailure(description: "\(location): \(PostgresEngine.describe(error))")
        }
        return DatabaseConnection(engine: .postgres(engine, service), location: location.description)
    }

    /// Why a database could not be opened, in one line that never repeats a password.
    public struct OpenFailure: Error, CustomStringConvertible {
        public let description: String
    }

    public func stores(clock: ContentClock, limits: StoreLimits) -> Stores {
        stores(clock: clock, limits: limits, kinds: DescribedKinds.all)
    }

    package func stores(clock: ContentClock, limits: StoreLimits, kinds: [any DescribedInput.Type]) -> Stores {
        switch engine {
        case .sqlite(let database): Stores.sqlite(database, clock: clock, limits: limits, kinds: kinds)
        case .postgres(let engine, _): Stores.postgres(engine, clock: clock, limits: limits, kinds: kinds)
        }
    }

    /// What an error of this engine means to a client, if anything particular.
    package var failures: @Sendable (any Error) -> DatabaseFailure? {
        switch engine {
        case .sqlite: SQLiteFailures.failure(of:)
        case .postgres: PostgresFailures.failure(of:)
        }
    }

    /// How many reads the engine runs at once: SQLite's readers, or the PostgreSQL pool.
    package func readConnections(_ configuration: AppConfiguration) -> Int {
        switch engine {
        case .sqlite(let database): database.readerCount
        case .postgres: configuration.databaseConnections
        }
    }

    public var status: any DatabaseStatus {
        switch engine {
        case .sqlite(let database): database
        case .postgres(let engine, _): engine
        }
    }

    /// What other instances on the same database commit; nil for an engine one process owns.
    package var changeFeed: (any ChangeFeed)? {
        switch engine {
        case .sqlite: nil
        case .postgres(let engine, _): PostgresChangeFeed(engine: engine)
        }
    }

    /// What keeps the database running while the application does, in the order to start them.
    /// With `litestream`, Masthead runs no checkpoints of its own but a passive one at close:
    /// Litestream holds a read lock to see every frame of the log, so a truncating checkpoint
    /// would wait out the busy timeout, holding writers up, and fail; Litestream checkpoints.
    package func services(logger: Logger, litestream: Bool = false) -> [any ServiceLifecycle.Service] {
        switch engine {
        case .sqlite(let database) where litestream:
            [DatabaseService(database: database, passiveCheckpoints: true, logger: logger)]
        case .sqlite(let database):
            [DatabaseService(database: database, logger: logger), WALCheckpointer(database: database, logger: logger)]
        case .postgres(_, let service):
            [service]
        }
    }

    /// Loads the demo publication into a database without content; returns whether it did.
    /// PostgreSQL receives it as SQLite builds it, through the export document.
    package func loadDemoContent(now: Timestamp, stores: Stores) async throws -> Bool {
        switch engine {
        case .sqlite(let database):
            return try await DemoContent.load(into: database, now: now)
        case .postgres:
            let demo = try AppDatabase.inMemory()
            _ = try await DemoContent.load(into: demo, now: now)
            let document = try await SQLitePortabilityStore(database: demo).export()
            do {
                try await stores.portability.importContent(document)
                return true
            } catch let failure as ImportFailure where failure == .notEmpty {
                return false
            }
        }
    }

    /// Every migration applied, in order.
    public func appliedMigrations() async throws -> [String] {
        switch engine {
        case .sqlite(let database): try await database.appliedMigrations()
        case .postgres(let engine, _): try await engine.migrate()
        }
    }

    /// Ends what `open` started, for commands that run without a service group.
    public func close() {
        switch engine {
        case .sqlite(let database): try? database.close()
        case .postgres(_, let service): service.stop()
        }
    }
}
