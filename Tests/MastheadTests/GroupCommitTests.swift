import Foundation
import GRDB
import MastheadSQLite
import Synchronization
import Testing

@testable import Masthead
@testable import MastheadDomain

/// Writes that wait for the writer share one commit; each still succeeds or fails alone.
@Suite struct GroupCommitTests {
    @Test func writesThatArriveWhileTheWriterIsBusyShareOneCommit() async throws {
        let database = try AppDatabase.inMemory()
        let commits = CommitCounter()
        database.writer.add(transactionObserver: commits)
        let group = GroupCommit(writer: database.writer)

        let results = try await Self.whileTheWriterIsHeld(database, group, expecting: 8) {
            (0..<8).map { index in
                { @Sendable db in
                    try Self.insertTag("tag-\(index)", db)
                    return index
                }
            }
        }

        #expect(results.map { try? $0.get() } == Array(0..<8))
        // The first write is taken alone before the others arrive, or with some of them;
        // all the rest wait together: at most two commits for eight writes.
        #expect((1...2).contains(commits.count))
        let slugs = try await database.reader.read { db in
            try String.fetchAll(db, sql: "SELECT slug FROM tags ORDER BY id")
        }
        #expect(slugs == (0..<8).map { "tag-\($0)" })
    }

    @Test func aWriteThatFailsFailsAloneAndTheOthersCommit() async throws {
        let database = try AppDatabase.inMemory()
        let group = GroupCommit(writer: database.writer)

        let results = try await Self.whileTheWriterIsHeld(database, group, expecting: 6) {
            (0..<6).map { index in
                { @Sendable db in
                    switch index {
                    case 3:
                        // Writes a row, then fails: the row must not stay.
                        try Self.insertTag("tag-3", db)
                        throw Refused()
                    case 4:
                        // The slug of an earlier write of the same group: a constraint error.
                        try Self.insertTag("tag-1", db)
                    default:
                        try Self.insertTag("tag-\(index)", db)
                    }
                    return index
                }
            }
        }

        for index in [0, 1, 2, 5] { #expect((try? results[index].get()) == index) }
        #expect(throws: Refused.self) { try results[3].get() }
        #expect {
            try results[4].get()
        } throws: { error in
            (error as? DatabaseError)?.resultCode == .SQLITE_CONSTRAINT
        }
        let slugs = try await database.reader.read { db in
            try String.fetchAll(db, sql: "SELECT slug FROM tags ORDER BY slug")
        }
        #expect(slugs == ["tag-0", "tag-1", "tag-2", "tag-5"])
        #expect(group.unansweredWrites == 0)
    }

    private struct Refused: Error {}

    private static func insertTag(_ slug: String, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO tags (slug, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
            arguments: [slug, slug, "2026-11-28T12:00:00Z", "2026-11-28T12:00:00Z"]
        )
    }

    /// Submits `writes` in order while another connection's work holds the pool's writer,
    /// waits until all of them are queued, lets the writer go, and returns each outcome.
    private static func whileTheWriterIsHeld(
        _ database: AppDatabase,
        _ group: GroupCommit,
        expecting count: Int,
        _ writes: () -> [@Sendable (Database) throws -> Int]
    ) async throws -> [Result<Int, any Error>] {
        let holding = Atomic<Bool>(false)
        let released = Atomic<Bool>(false)
        let holder = Task {
            try await database.writer.writeWithoutTransaction { _ in
                holding.store(true, ordering: .relaxed)
                while !released.load(ordering: .relaxed) { usleep(1000) }
            }
        }
        while !holding.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(1)) }
        var submitted: [Task<Int, any Error>] = []
        for write in writes() {
            submitted.append(Task { try await group.write(write) })
            while group.unansweredWrites < submitted.count { try await Task.sleep(for: .milliseconds(1)) }
        }
        #expect(group.unansweredWrites == count)
        released.store(true, ordering: .relaxed)
        try await holder.value
        var results: [Result<Int, any Error>] = []
        for task in submitted { results.append(await task.result) }
        return results
    }
}

/// Counts the commits of the connection it observes.
private final class CommitCounter: TransactionObserver, Sendable {
    private let commits = Atomic<Int>(0)
    var count: Int { commits.load(ordering: .relaxed) }

    func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { eventKind.tableName == "tags" }
    func databaseDidChange(with event: DatabaseEvent) {}
    func databaseDidCommit(_ db: Database) { commits.add(1, ordering: .relaxed) }
    func databaseDidRollback(_ db: Database) {}
}
