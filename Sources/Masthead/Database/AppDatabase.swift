import GRDB
import MastheadMigrations

/// The application's one database: a GRDB `DatabasePool` over a SQLite file in WAL mode
/// (concurrent readers, one writer), foreign keys on, and a 5 s busy timeout.
public struct AppDatabase: Sendable {
    public let pool: DatabasePool

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .timeout(5)
        configuration.prepareDatabase { db in
            // WAL with synchronous=NORMAL never corrupts; it can lose the last commits only
            // on an operating-system crash or power loss, not when the process dies.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        self.pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    /// The migrations of `MastheadMigrations`, each run as one transaction.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in MastheadMigrations.all {
            migrator.registerMigration(migration.identifier) { db in
                try db.execute(sql: migration.sql)
            }
        }
        return migrator
    }

    /// Identifiers of the migrations applied to this database, in order.
    public func appliedMigrations() async throws -> [String] {
        try await pool.read { db in try Self.migrator.appliedIdentifiers(db).sorted() }
    }

    /// Whether any author, tag, article, platform or service exists: demo and synthetic
    /// content are only ever loaded into a database that holds none.
    static func holdsContent(_ db: Database) throws -> Bool {
        try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS (SELECT 1 FROM articles) OR EXISTS (SELECT 1 FROM authors)
                    OR EXISTS (SELECT 1 FROM tags) OR EXISTS (SELECT 1 FROM platforms)
                    OR EXISTS (SELECT 1 FROM services)
                """
        ) ?? false
    }

    /// True when the database answers and every known migration has been applied.
    public func isReady() async -> Bool {
        do {
            return try await pool.read { db in try Self.migrator.hasCompletedMigrations(db) }
        } catch {
            return false
        }
    }
}
