import Foundation
import GRDB
import Testing

@testable import Masthead

/// `masthead backup`, `export` and `import`.
@Suite struct PortabilityTests {
    static func demoDatabase(_ folder: TemporaryFolder) async throws -> AppDatabase {
        let database = try AppDatabase(path: folder.databasePath)
        _ = try await DemoContent.load(into: database, now: Timestamp(rfc3339: "2026-11-28T12:00:00Z")!)
        // Some state that only use creates: a rename (an old slug), views by day, a token.
        try await database.pool.write { db in
            try db.execute(
                sql:
                    "INSERT INTO article_redirects (old_slug, article_id, created_at) VALUES ('go-in-prod', 1, '2026-11-28T12:00:00Z')"
            )
            try db.execute(
                sql:
                    "INSERT INTO article_views_daily (article_id, day, views) VALUES (1, '2026-11-27', 5), (2, '2026-11-28', 3)"
            )
            try db.execute(sql: "UPDATE articles SET views = views + 5 WHERE id = 1")
        }
        _ = try await SQLiteTokenRepository(database: database, clock: .system)
            .create(name: "kept-out-of-exports", scopes: [.admin], expiresAt: nil)
        return database
    }

    @Test func exportImportExportIsByteIdentical() async throws {
        let source = try TemporaryFolder()
        let first = try await SQLitePortabilityRepository(database: try await Self.demoDatabase(source)).export()
            .encoded()
        let target = try TemporaryFolder()
        let copy = try AppDatabase(path: target.databasePath)
        try await SQLitePortabilityRepository(database: copy).importContent(try ContentExport.decode(first))
        let second = try await SQLitePortabilityRepository(database: copy).export().encoded()
        #expect(first == second)

        let document = try ContentExport.decode(first)
        #expect(document.articles.count >= 10)
        #expect(document.articles.first { $0.oldSlugs == ["go-in-prod"] } != nil)
        #expect(document.articles.flatMap(\.dailyViews).map(\.views).reduce(0, +) == 8)
        #expect(document.site?.title == "Signal")
        #expect(document.platforms.count == 6)
        #expect(document.services.count == 4)
        #expect(!String(decoding: first, as: UTF8.self).contains("kept-out-of-exports"))
        #expect(!String(decoding: first, as: UTF8.self).contains("mh_"))
        try await copy.pool.read { db throws in
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_tokens") == 0)
            // Computed fields and the search index are made again.
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM articles WHERE body_html = ''") == 0)
            #expect(
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM search_index WHERE search_index MATCH 'observability'")!
                    > 0
            )
            #expect(
                try String.fetchOne(
                    db,
                    sql: "SELECT slug FROM articles JOIN article_redirects r ON r.article_id = articles.id"
                ) != nil
            )
        }
    }

    @Test func importRefusesADatabaseThatHoldsContentAndChangesNothing() async throws {
        let source = try TemporaryFolder()
        let database = try await Self.demoDatabase(source)
        let document = try await SQLitePortabilityRepository(database: database).export()
        let before = try await SQLitePortabilityRepository(database: database).export().encoded()
        await #expect(throws: ImportFailure.self) {
            try await SQLitePortabilityRepository(database: database).importContent(document)
        }
        #expect(try await SQLitePortabilityRepository(database: database).export().encoded() == before)
    }

    @Test func importRefusesInvalidDocumentsAndChangesNothing() async throws {
        let source = try TemporaryFolder()
        let valid = try await SQLitePortabilityRepository(database: try await Self.demoDatabase(source)).export()
        var brokenReference = valid
        brokenReference.articles[0].author = "nobody"
        var duplicate = valid
        duplicate.tags.append(valid.tags[0])
        var badStatus = valid
        badStatus.articles[1].status = "scheduled"
        var badTime = valid
        badTime.authors[0].createdAt = "yesterday"
        var wrongFormat = valid
        wrongFormat.format = "wordpress"
        // The last article is written last: a failure there must undo everything before it.
        var lateFailure = valid
        lateFailure.articles[lateFailure.articles.count - 1].dailyViews = [
            DailyViewsExport(day: "2026-11-28", views: 0)
        ]
        for (document, expected) in [
            (brokenReference, "no author 'nobody'"), (duplicate, "appears twice"), (badStatus, "draft or published"),
            (badTime, "not an RFC 3339 time"), (wrongFormat, "format"), (lateFailure, "positive count"),
        ] {
            let target = try TemporaryFolder()
            let database = try AppDatabase(path: target.databasePath)
            do {
                try await SQLitePortabilityRepository(database: database).importContent(document)
                Issue.record("imported an invalid document (\(expected))")
            } catch let failure as ImportFailure {
                #expect(failure.description.contains(expected), "\(failure)")
            }
            try await database.pool.read { db throws in #expect(try !AppDatabase.holdsContent(db)) }
        }
        for text in ["", "[]", #"{"format":"masthead-content"}"#, #"{"format":1}"#] {
            #expect(throws: ImportFailure.self) { try ContentExport.decode(Data(text.utf8)) }
        }
    }

    @Test func aFailingInsertRollsBackTheWholeImport() async throws {
        let source = try TemporaryFolder()
        var document = try await SQLitePortabilityRepository(database: try await Self.demoDatabase(source)).export()
        // Passes the document checks, breaks a primary key at the very end.
        document.articles[document.articles.count - 1].dailyViews = [
            DailyViewsExport(day: "2026-11-28", views: 1), DailyViewsExport(day: "2026-11-28", views: 2),
        ]
        let target = try TemporaryFolder()
        let database = try AppDatabase(path: target.databasePath)
        await #expect(throws: (any Error).self) {
            try await SQLitePortabilityRepository(database: database).importContent(document)
        }
        try await database.pool.read { db throws in #expect(try !AppDatabase.holdsContent(db)) }
    }

    @Test func backupMakesAConsistentCopyWhileWritesGoOn() async throws {
        let source = try TemporaryFolder()
        let database = try await Self.demoDatabase(source)
        let writer = Task {
            for round in 0..<200 {
                try await database.pool.write { db in
                    try db.execute(
                        sql: "UPDATE articles SET views = views + 1 WHERE id = ?",
                        arguments: [round % 5 + 1]
                    )
                }
            }
        }
        let copyPath = source.url.appendingPathComponent("backup.sqlite").path
        let bytes = try await database.backup(to: copyPath)
        try await writer.value
        #expect(bytes > 0)
        let copy = try AppDatabase(path: copyPath)
        let original = try await SQLitePortabilityRepository(database: database).export()
        let copied = try await SQLitePortabilityRepository(database: copy).export()
        #expect(copied.articles.map(\.slug) == original.articles.map(\.slug))
        #expect(copied.authors == original.authors)
        try await copy.pool.read { db throws in
            #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_tokens") == 1)
        }
        await #expect(throws: (any Error).self) { _ = try await database.backup(to: copyPath) }
    }
}
