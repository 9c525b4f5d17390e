import Foundation
import GRDB
import MastheadMigrations
import Testing

@testable import Masthead

@Suite struct MigrationTests {
    /// Every `.sql` file in `Migrations/` must be compiled in and registered, in file-name order.
    @Test func everyMigrationFileIsRegisteredInOrder() throws {
        let folder = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".sql") }
            .map { String($0.dropLast(4)) }
            .sorted()
        #expect(!files.isEmpty)
        #expect(MastheadMigrations.all.map(\.identifier) == files)
        for migration in MastheadMigrations.all {
            let source = try String(
                contentsOf: folder.appendingPathComponent(migration.identifier + ".sql"),
                encoding: .utf8
            )
            #expect(migration.sql == source, "\(migration.identifier) is compiled from an older copy of its file")
        }
    }

    @Test func migrationFileNamesAreNumberedVerbNoun() {
        for (index, migration) in MastheadMigrations.all.enumerated() {
            let prefix = String(format: "%04d_", index + 1)
            #expect(migration.identifier.hasPrefix(prefix), "\(migration.identifier) should start with \(prefix)")
            #expect(migration.identifier.range(of: "^[0-9]{4}_[a-z]+(_[a-z]+)+$", options: .regularExpression) != nil)
        }
    }

    @Test func aNewDatabaseIsMigratedAndInWALModeWithForeignKeys() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(path: folder.databasePath)
        #expect(try await database.appliedMigrations() == MastheadMigrations.all.map(\.identifier))
        #expect(await database.isReady())
        let (journal, foreignKeys) = try await database.pool.read { db in
            (
                try String.fetchOne(db, sql: "PRAGMA journal_mode"),
                try Bool.fetchOne(db, sql: "PRAGMA foreign_keys")
            )
        }
        #expect(journal == "wal")
        #expect(foreignKeys == true)
    }

    @Test func openingTwiceAppliesNothingAgain() async throws {
        let folder = try TemporaryFolder()
        _ = try AppDatabase(path: folder.databasePath)
        let reopened = try AppDatabase(path: folder.databasePath)
        #expect(try await reopened.appliedMigrations().count == MastheadMigrations.all.count)
        let sites = try await reopened.pool.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM site") }
        #expect(sites == 1)
    }

    @Test func anArticleWithAnUnknownAuthorIsRefusedByTheSchema() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(path: folder.databasePath)
        await #expect(throws: DatabaseError.self) {
            try await database.pool.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO articles (slug, title, excerpt, status, author_id, body_markdown, body_html,
                            body_plaintext, word_count, reading_time_minutes, created_at, updated_at)
                        VALUES ('x', 'X', '', 'draft', 999, '', '', '', 0, 1, 'now', 'now')
                        """
                )
            }
        }
    }
}
