import Foundation
import GRDB
import Logging
import MastheadSQLite
import MastheadTestSupport
import Synchronization
import Testing

@testable import Masthead
@testable import MastheadDomain

/// The write-ahead log stays bounded however readers overlap, and its size is exposed.
@Suite struct WriteAheadLogTests {
    /// Writes `count` transactions of about 8 KiB each.
    static func write(_ database: AppDatabase, count: Int, from start: Int = 0) async throws {
        let description = String(repeating: "w", count: 8000)
        for index in start..<start + count {
            try await database.writer.write { db in
                try db.execute(
                    sql: "INSERT INTO tags (slug, name, description, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
                    arguments: [
                        "tag-\(index)", "Tag \(index)", description, "2026-11-28T12:00:00Z", "2026-11-28T12:00:00Z",
                    ]
                )
            }
        }
    }

    @Test func theLogIsTruncatedThoughReadersNeverStopOverlapping() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(path: folder.databasePath)
        let readers = Readers()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            // Two readers, each holding its snapshot a little while, started out of step:
            // at any moment one of them is reading.
            for offset in 0..<2 {
                tasks.addTask {
                    try await Task.sleep(for: .milliseconds(offset * 3))
                    while !readers.stop.load(ordering: .relaxed) {
                        try await database.reader.read { db in
                            _ = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tags")
                            usleep(5000)
                        }
                        readers.reads.add(1, ordering: .relaxed)
                    }
                }
            }
            try await Self.write(database, count: 600)
            let grown = database.walBytes
            #expect(grown > 1 << 20, "the log grew: \(grown) bytes")

            let checkpointer = WALCheckpointer(database: database, thresholdBytes: 64 << 10, logger: Logger(label: "t"))
            #expect(try await checkpointer.checkpointIfNeeded())
            #expect(database.walBytes == 0)
            #expect(database.walCheckpoints == 1)
            #expect(try await !checkpointer.checkpointIfNeeded(), "under the threshold: nothing to do")

            // Writes go on, and so does the bound.
            try await Self.write(database, count: 600, from: 600)
            #expect(try await checkpointer.checkpointIfNeeded())
            #expect(database.walBytes == 0)
            readers.stop.store(true, ordering: .relaxed)
            try await tasks.waitForAll()
        }
        #expect(readers.reads.load(ordering: .relaxed) > 10)
        let count = try await database.reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tags") }
        #expect(count == 1200)
    }

    /// Once writes stop, whatever log is left goes at the next look, however small.
    @Test func anIdleDatabaseKeepsNoLog() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(path: folder.databasePath)
        try await Self.write(database, count: 5)
        let checkpointer = WALCheckpointer(database: database, logger: Logger(label: "t"))
        let changes = try await database.committedChanges()
        #expect(database.walBytes > 0)
        #expect(try await !checkpointer.checkpointIfNeeded(idle: false), "small, and writes may go on")
        #expect(try await database.committedChanges() == changes, "nothing written since")
        #expect(try await checkpointer.checkpointIfNeeded(idle: true))
        #expect(database.walBytes == 0)
        try await Self.write(database, count: 1, from: 5)
        #expect(try await database.committedChanges() > changes)
    }

    @Test func durabilityAndTheLogSizeLimitAreSetOnEveryConnection() async throws {
        let folder = try TemporaryFolder()
        let full = try AppDatabase(path: folder.databasePath)
        let (synchronous, limit) = try await full.reader.read { db in
            (
                try Int.fetchOne(db, sql: "PRAGMA synchronous"),
                try Int.fetchOne(db, sql: "PRAGMA journal_size_limit")
            )
        }
        #expect(synchronous == 2, "FULL by default")
        #expect(limit == AppDatabase.journalSizeLimit)
        try full.close()
        let normal = try AppDatabase(path: folder.databasePath, durability: .normal)
        #expect(try await normal.writer.write { db in try Int.fetchOne(db, sql: "PRAGMA synchronous") } == 1)
    }

    @Test func theLogSizeIsAMetric() async throws {
        try await withApp(demo: true) { client, _ async throws in
            let text = try await client.get("/metrics").text
            #expect(text.contains("masthead_database_wal_bytes "), "\(text.prefix(200))")
            #expect(text.contains("masthead_database_wal_checkpoints_total"))
        }
    }

    @Test func synchronousIsConfigurable() async throws {
        #expect(try await resolveConfiguration(environment: [:]).synchronous == .full)
        #expect(
            try await resolveConfiguration([.synchronous: "normal"], environment: [:]).synchronous == .normal
        )
        #expect(
            try await resolveConfiguration(environment: ["MASTHEAD_SYNCHRONOUS": "NORMAL"]).synchronous
                == .normal
        )
        await #expect(throws: AppConfiguration.Invalid.self) {
            try await resolveConfiguration([.synchronous: "off"], environment: [:])
        }
    }
}

/// What the test's reader tasks share.
private final class Readers: Sendable {
    let stop = Atomic<Bool>(false)
    let reads = Atomic<Int>(0)
}
