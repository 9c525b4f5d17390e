import Foundation
import GRDB
import MastheadMigrations
import MastheadStorage
import Synchronization

/// How commits are made durable (SQLite's `synchronous` in WAL mode).
public enum DatabaseDurability: String, Sendable {
    /// Every commit is synced to disk before it is acknowledged: an acknowledged write
    /// survives power loss. The default: content writes are rare and each one matters, and
    /// view counts are written once a second in one transaction.
    case full
    /// Commits are synced at checkpoints only: faster writes, and the last commits before a
    /// power loss or OS crash may be lost (never on a crash of the process; never corrupt).
    case normal
}

/// The application's one database: a GRDB `DatabasePool` over a SQLite file in WAL mode
/// (concurrent readers, one writer), foreign keys on, and up to 5 s of retries when another
/// process (a backup, a CLI command) holds a lock.
///
/// The write-ahead log is kept bounded: SQLite's automatic checkpoints copy it into the
/// database but can only start it over when no reader is using it, which under steady
/// overlapping reads never happens. `checkpoint()` (run by `WALCheckpointer` when the log
/// passes a size) waits out the readers of the moment and truncates it, and
/// `journal_size_limit` trims the file whenever SQLite starts the log over by itself.
public struct AppDatabase: DatabaseStatus {
    /// The connections: a `DatabasePool` on a file when serving, or any `DatabaseWriter` a
    /// caller hands in (`inMemory()` for tests). Reads go through `reader`, writes through
    /// `write(_:)`; both are this one writer.
    public let writer: any DatabaseWriter
    /// The file, or ":memory:".
    public let path: String
    private let statistics: DatabaseStatistics
    private let groupCommit: GroupCommit

    /// Where reads go: the pool's readers (or the queue itself).
    public var reader: any DatabaseReader { writer }

    /// The size the log file is trimmed to when SQLite starts it over.
    public static let journalSizeLimit = 4 << 20

    /// Times SQLite found the database locked and waited to try again, since opening.
    public var busyRetries: Int { statistics.busyRetries.load(ordering: .relaxed) }
    /// Checkpoints that truncated the log, since opening.
    public var walCheckpoints: Int { statistics.checkpoints.load(ordering: .relaxed) }

    public var counts: DatabaseCounts {
        DatabaseCounts(busyRetries: busyRetries, walBytes: walBytes, walCheckpoints: walCheckpoints)
    }

    /// The write-ahead log's size on disk now, in bytes (0 when there is none).
    public var walBytes: Int {
        let attributes = try? FileManager.default.attributesOfItem(atPath: path + "-wal")
        return (attributes?[.size] as? Int) ?? 0
    }

    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    /// How many reads run at once: the pool's readers (one for an in-memory queue).
    public var readerCount: Int {
        (writer as? DatabasePool)?.configuration.maximumReaderCount ?? 1
    }

    public init(path: String, durability: DatabaseDurability = .full) throws {
        let statistics = DatabaseStatistics()
        let pool = try DatabasePool(path: path, configuration: Self.configuration(durability, statistics))
        try self.init(writer: pool, path: path, statistics: statistics)
    }

    /// A migrated database in memory, configured as a file would be: for tests that need no
    /// file, no log and no second connection.
    public static func inMemory() throws -> AppDatabase {
        let statistics = DatabaseStatistics()
        let queue = try DatabaseQueue(configuration: configuration(.normal, statistics))
        return try AppDatabase(writer: queue, path: ":memory:", statistics: statistics)
    }

    private init(writer: some DatabaseWriter, path: String, statistics: DatabaseStatistics) throws {
        self.writer = writer
        self.path = path
        self.statistics = statistics
        self.groupCommit = GroupCommit(writer: writer)
        try Self.migrate(writer)
    }

    /// Every connection: foreign keys on, up to 5 s of retries on a lock, the durability
    /// asked for, and the SQL functions the schema uses.
    private static func configuration(_ durability: DatabaseDurability, _ statistics: DatabaseStatistics)
        -> Configuration
    {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        configuration.busyMode = .callback { attempt in
            statistics.busyRetries.add(1, ordering: .relaxed)
            guard attempt < BusyRetries.maximumAttempts else { return false }
            usleep(BusyRetries.pauseMicroseconds)
            return true
        }
        configuration.prepareDatabase { db in
            try db.execute(sql: durability == .full ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL")
            try db.execute(sql: "PRAGMA journal_size_limit = \(Self.journalSizeLimit)")
            for function in CompressedText.functions { db.add(function: function) }
        }
        return configuration
    }

    /// Runs `updates` in a transaction and returns its result once committed. Content writes
    /// go through here: writes that arrive together share one commit (`GroupCommit`).
    public func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await groupCommit.write(updates)
    }

    /// Applies pending migrations. One that moved data out of a table leaves its pages free
    /// in the file; when more than a quarter of the file is free afterwards, `VACUUM` gives
    /// it back (once, at the start-up that migrated).
    private static func migrate(_ writer: some DatabaseWriter) throws {
        let pending = try writer.read { db in try !migrator.hasCompletedMigrations(db) }
        try migrator.migrate(writer)
        guard pending else { return }
        try writer.writeWithoutTransaction { db in
            let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            if free * 4 > pages { try db.execute(sql: "VACUUM") }
        }
    }

    /// Rows changed by every write since the database was opened: when it stands still,
    /// nothing was written.
    public func committedChanges() async throws -> Int {
        try await writer.writeWithoutTransaction { db in db.totalChangesCount }
    }

    /// Copies the whole log into the database and truncates it to zero bytes. New readers
    /// go on meanwhile; writers wait, and the checkpoint waits (up to the busy timeout) for
    /// the readers that started before it to finish. With `passive`, copies what it can
    /// without waiting for anyone and leaves the log as it is: what a database replicated by
    /// Litestream needs, whose read lock would make every truncating checkpoint wait out the
    /// busy timeout, holding writers up, and fail.
    public func checkpoint(passive: Bool = false) async throws {
        _ = try await writer.writeWithoutTransaction { db in try db.checkpoint(passive ? .passive : .truncate) }
        statistics.checkpoints.add(1, ordering: .relaxed)
    }

    /// Moves everything in the write-ahead log into the database file (and empties the
    /// log), then closes every connection; the pool cannot be used afterwards. The explicit
    /// checkpoint matters: the pool closes its writer before its read-only readers, and a
    /// read-only connection closing last cannot checkpoint.
    public func close(passive: Bool = false) throws {
        _ = try writer.writeWithoutTransaction { db in try db.checkpoint(passive ? .passive : .truncate) }
        try writer.close()
    }

    /// Writes a consistent copy of the database to `path` with `VACUUM INTO` (it reads one
    /// snapshot, so writers may go on meanwhile), checks the copy's integrity, and returns
    /// its size in bytes.
    public func backup(to path: String) async throws -> Int {
        try await writer.writeWithoutTransaction { db in
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
    package static var migrator: DatabaseMigrator { migrator(through: MastheadMigrations.all.count) }

    /// The first `count` migrations (a test's database as an older version left it), each
    /// as `migrator` runs it.
    package static func migrator(through count: Int) -> DatabaseMigrator {
        var migrator = DatabaseMigrator()
        for migration in MastheadMigrations.all.prefix(count) {
            migrator.registerMigration(migration.identifier) { db in
                try db.execute(sql: migration.sql)
                for table in migration.rebuildsWithAutoincrement {
                    try rebuildWithAutoincrement(table, in: db)
                }
            }
        }
        return migrator
    }

    /// Identifiers of the migrations applied to this database, in order.
    public func appliedMigrations() async throws -> [String] {
        try await reader.read { db in try Self.migrator.appliedIdentifiers(db).sorted() }
    }

    /// Whether any author, tag, article, platform or service exists: demo and synthetic
    /// content are only ever loaded into a database that holds none.
    package static func holdsContent(_ db: Database) throws -> Bool {
        try Bool.fetchOne(db, sql: DescribedKinds.holdsContentQuery(DescribedKinds.all)) ?? false
    }

    /// True when the database answers and every known migration has been applied.
    public func isReady() async -> Bool {
        do {
            return try await reader.read { db in try Self.migrator.hasCompletedMigrations(db) }
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

/// How long SQLite waits for a lock: 500 pauses of 10 ms, about 5 s before SQLITE_BUSY
/// reaches the caller.
private enum BusyRetries {
    package static let maximumAttempts = 500
    package static let pauseMicroseconds: UInt32 = 10_000
}

/// Counts shared by every connection of one pool.
private final class DatabaseStatistics: Sendable {
    package let busyRetries = Atomic<Int>(0)
    package let checkpoints = Atomic<Int>(0)
}
