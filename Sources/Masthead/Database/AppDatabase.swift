import Foundation
import GRDB
import MastheadMigrations
import Synchronization

/// The application's one database: a GRDB `DatabasePool` over a SQLite file in WAL mode
/// (concurrent readers, one writer), foreign keys on, and up to 5 s of retries when another
/// process (a backup, a CLI command) holds a lock.
public struct AppDatabase: Sendable {
    public let pool: DatabasePool
    private let retries: BusyRetries

    /// Times SQLite found the database locked and waited to try again, since opening.
    public var busyRetries: Int { retries.count.load(ordering: .relaxed) }

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    public init(path: String) throws {
        let retries = BusyRetries()
        self.retries = retries
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .callback { attempt in
            retries.count.add(1, ordering: .relaxed)
            guard attempt < BusyRetries.maximumAttempts else { return false }
            usleep(BusyRetries.pauseMicroseconds)
            return true
        }
        configuration.prepareDatabase { db in
            // WAL with synchronous=NORMAL never corrupts; it can lose the last commits only
            // on an operating-system crash or power loss, not when the process dies.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        self.pool = try DatabasePool(path: path, configuration: configuration)
        try Self.migrator.migrate(pool)
    }

    /// Moves everything in the write-ahead log into the database file (and empties the
    /// log), then closes every connection; the pool cannot be used afterwards. The explicit
    /// checkpoint matters: the pool closes its writer before its read-only readers, and a
    /// read-only connection closing last cannot checkpoint.
    public func close() throws {
        _ = try pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
        try pool.close()
    }

    /// Writes a consistent copy of the database to `path` with `VACUUM INTO` (it reads one
    /// snapshot, so writers may go on meanwhile), checks the copy's integrity, and returns
    /// its size in bytes.
    public func backup(to path: String) async throws -> Int {
        try await pool.writeWithoutTransaction { db in
            try db.execute(sql: "VACUUM INTO ?", arguments: [path])
        }
        let copy = try DatabaseQueue(path: path)
        defer { try? copy.close() }
        let verdict = try await copy.read { db in try String.fetchOne(db, sql: "PRAGMA integrity_check") }
        guard verdict == "ok" else { throw BackupFailure(detail: verdict ?? "no answer") }
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return (attributes[.size] as? Int) ?? 0
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

/// A backup whose copy failed SQLite's integrity check.
public struct BackupFailure: Error, CustomStringConvertible {
    public let detail: String
    public var description: String { "the copy failed its integrity check: \(detail)" }
}

/// Counts busy-handler calls; shared by every connection of one pool.
private final class BusyRetries: Sendable {
    /// 500 pauses of 10 ms: about 5 s before SQLITE_BUSY reaches the caller.
    static let maximumAttempts = 500
    static let pauseMicroseconds: UInt32 = 10_000

    let count = Atomic<Int>(0)
}
