import Foundation
import GRDB
import MastheadMigrations
import MastheadSQLite
import MastheadStorage
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

/// `masthead backup`, `export` and `import`.
@Suite struct PortabilityTests {
    static func demoDatabase(_ folder: TemporaryFolder) async throws -> AppDatabase {
        let database = try AppDatabase(path: folder.databasePath)
        _ = try await DemoContent.load(into: database, now: Timestamp(rfc3339: "2026-11-28T12:00:00Z")!)
        // Some state that only use creates: a rename (an old slug), views by day, a token.
        try await database.writer.write { db in
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
        _ = try await SQLiteTokenStore(database: database, clock: .system)
            .create(name: "kept-out-of-exports", scopes: [.admin], expiresAt: nil)
        return database
    }

    /// What `masthead export` writes, `masthead import` reads: even a new database's
    /// placeholder site, whose description is empty.
    @Test func theExportOfANewDatabaseImports() async throws {
        let source = try TemporaryFolder()
        let database = try AppDatabase(path: source.databasePath)
        let exported = try await SQLitePortabilityStore(database: database).export().encoded()
        let target = try TemporaryFolder()
        let copy = try AppDatabase(path: target.databasePath)
        let document = try await ContentImport(store: SQLitePortabilityStore(database: copy)).load(exported)
        #expect(document.site?.description == "")
        let site = try copy.reader.read { db in try Row.fetchOne(db, sql: "SELECT title, description FROM site") }
        #expect(site?["title"] == "Untitled publication")
        #expect(site?["description"] == "")
    }

    /// Exports made before the site had a tagline still import: it reads as empty.
    @Test func anExportFromBeforeTheSiteTaglineImports() async throws {
        let source = try TemporaryFolder()
        let exported = try await SQLitePortabilityStore(database: try await Self.demoDatabase(source)).export()
            .encoded()
        var document = try #require(try JSONSerialization.jsonObject(with: exported) as? [String: Any])
        var site = try #require(document["site"] as? [String: Any])
        #expect(site["tagline"] as? String == "One login. One data model. Six platforms. Zero app-switching.")
        site["tagline"] = nil
        document["site"] = site
        let older = try JSONSerialization.data(withJSONObject: document)
        let target = try TemporaryFolder()
        let copy = try AppDatabase(path: target.databasePath)
        let imported = try await ContentImport(store: SQLitePortabilityStore(database: copy)).load(older)
        #expect(imported.site?.tagline == "")
        let stored = try await copy.reader.read { db in try String.fetchOne(db, sql: "SELECT tagline FROM site") }
        #expect(stored == "")
    }

    @Test func exportImportExportIsByteIdentical() async throws {
        let source = try TemporaryFolder()
        let first = try await SQLitePortabilityStore(database: try await Self.demoDatabase(source)).export()
            .encoded()
        let target = try TemporaryFolder()
        let copy = try AppDatabase(path: target.databasePath)
        try await SQLitePortabilityStore(database: copy).importContent(try ContentExport.decode(first))
        let second = try await SQLitePortabilityStore(database: copy).export().encoded()
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
        try await copy.reader.read { db throws in
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_tokens") == 0)
            // Computed fields and the search index are made again.
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM articles WHERE word_count = 0") == 0)
            #expect(
                try Int.fetchOne(
                    db,
                    sql: "SELECT COUNT(*) FROM articles a JOIN article_bodies b ON b.article_id = a.id"
                )
                    == document.articles.count
            )
            #expect(
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM search_index WHERE search_index MATCH 'observability'")!
                    > 0
            )
            let documents: Int =
                document.articles.count + document.authors.count + document.tags.count
                + document.platforms.count + document.services.count
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM search_index_docsize") == documents)
            #expect(
                try String.fetchOne(
                    db,
                    sql: "SELECT slug FROM articles JOIN article_redirects r ON r.article_id = articles.id"
                ) != nil
            )
        }
        // Bodies are moved in one statement at the end of an import: the index must hold
        // exactly what its content says (FTS5 compares the two with rank 1).
        try await copy.writer.write { db in
            try db.execute(sql: "INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)")
        }
    }

    @Test func importRefusesADatabaseThatHoldsContentAndChangesNothing() async throws {
        let source = try TemporaryFolder()
        let database = try await Self.demoDatabase(source)
        let document = try await SQLitePortabilityStore(database: database).export()
        let before = try await SQLitePortabilityStore(database: database).export().encoded()
        await #expect(throws: ImportFailure.self) {
            try await SQLitePortabilityStore(database: database).importContent(document)
        }
        #expect(try await SQLitePortabilityStore(database: database).export().encoded() == before)
    }

    @Test func importRefusesInvalidDocumentsAndChangesNothing() async throws {
        let source = try TemporaryFolder()
        let valid = try await SQLitePortabilityStore(database: try await Self.demoDatabase(source)).export()
        var brokenReference = valid
        brokenReference.articles[0].author = "nobody"
        var duplicate = valid
        duplicate.tags.append(valid.tags[0])
        var badStatus = valid
        badStatus.articles[1].status = "scheduled"
        var wrongFormat = valid
        wrongFormat.format = "wordpress"
        // The last article is written last: a failure there must undo everything before it.
        var lateFailure = valid
        lateFailure.articles[lateFailure.articles.count - 1].dailyViews = [
            DailyViewsExport(day: "2026-11-28", views: 0)
        ]
        for (document, expected) in [
            (brokenReference, "no author 'nobody'"), (duplicate, "appears twice"), (badStatus, "draft or published"),
            (wrongFormat, "format"), (lateFailure, "must be at least 1"),
        ] {
            let target = try TemporaryFolder()
            let database = try AppDatabase(path: target.databasePath)
            do {
                try await SQLitePortabilityStore(database: database).importContent(document)
                Issue.record("imported an invalid document (\(expected))")
            } catch let failure as ImportFailure {
                #expect(failure.description.contains(expected), "\(failure)")
            }
            try await database.reader.read { db throws in #expect(try !AppDatabase.holdsContent(db)) }
        }
        for text in ["", "[]", #"{"format":"masthead-content"}"#, #"{"format":1}"#] {
            #expect(throws: ImportFailure.self) { try ContentExport.decode(Data(text.utf8)) }
        }
    }

    /// An import runs every record through the API's own rules: what the API refuses, the
    /// import refuses, naming the first bad record by JSON pointer, and changes nothing.
    @Test func importAppliesTheAPIsRulesToEveryRecord() async throws {
        let source = try TemporaryFolder()
        let valid = try await SQLitePortabilityStore(database: try await Self.demoDatabase(source)).export()
        let last = valid.articles.count - 1
        var script = valid
        script.articles[last].details.canonicalURL = "javascript:alert(1)"
        var longTitle = valid
        longTitle.articles[2].title = String(repeating: "t", count: 201)
        var badAvatar = valid
        badAvatar.authors[1].details.avatarURL = "ftp://example.com/a.png"
        var badSlug = valid
        badSlug.tags[0].slug = "Not A Slug"
        var blankName = valid
        blankName.platforms[0].name = "   "
        var badSite = valid
        badSite.site?.timezone = "Mars/Olympus"
        var badOldSlug = valid
        badOldSlug.articles[0].oldSlugs = ["UPPER"]
        var documents: [(Data, String)] = [
            (
                try script.encoded(),
                "/articles/\(last)/canonical_url: canonical_url must be an absolute http or https URL"
            ),
            (try longTitle.encoded(), "/articles/2/title: title must be at most 200 characters"),
            (try badAvatar.encoded(), "/authors/1/avatar_url:"),
            (try badSlug.encoded(), "/tags/0/slug:"),
            (try blankName.encoded(), "/platforms/0/name:"),
            (try badSite.encoded(), "/site/timezone:"),
            (try badOldSlug.encoded(), "/articles/0/old_slugs/0:"),
        ]
        // Times outside years 0001–9999 in UTC, written as the API would refuse them.
        let time = try #require(valid.articles[0].publishedAt?.rfc3339)
        let text = String(decoding: try valid.encoded(), as: UTF8.self)
        let range = try #require(text.range(of: "\"published_at\" : \"\(time)\""))
        documents.append(
            (
                Data(text.replacingCharacters(in: range, with: #""published_at" : "9999-12-31T23:59:59-01:00""#).utf8),
                "/articles/0/published_at: '9999-12-31T23:59:59-01:00' is outside years 0001 to 9999"
            )
        )
        for (data, expected) in documents {
            let target = try TemporaryFolder()
            let database = try AppDatabase(path: target.databasePath)
            do {
                try await ContentImport(store: SQLitePortabilityStore(database: database)).load(data)
                Issue.record("imported an invalid document (\(expected))")
            } catch let failure as ImportFailure {
                #expect(failure.problems.first?.hasPrefix(expected) == true, "\(failure)")
            }
            try await database.reader.read { db throws in #expect(try !AppDatabase.holdsContent(db)) }
        }
    }

    /// An offset is converted, as the API converts it: a time written at UTC-10 goes live
    /// at its instant, not ten hours early.
    @Test func importStoresEveryTimeAsUTC() async throws {
        let source = try TemporaryFolder()
        let valid = try await SQLitePortabilityStore(database: try await Self.demoDatabase(source)).export()
        let article = try #require(valid.articles.first { $0.status == "published" })
        let time = try #require(article.publishedAt)
        let shifted = Timestamp(secondsSinceEpoch: time.secondsSinceEpoch - 10 * 3600)  // the same wall time at UTC-10
        let offsetText = String(time.rfc3339.dropLast()) + "-10:00"
        let text = String(decoding: try valid.encoded(), as: UTF8.self)
            .replacingOccurrences(
                of: "\"published_at\" : \"\(time.rfc3339)\"",
                with: "\"published_at\" : \"\(offsetText)\""
            )
        #expect(text.contains(offsetText))
        let target = try TemporaryFolder()
        let database = try AppDatabase(path: target.databasePath)
        try await ContentImport(store: SQLitePortabilityStore(database: database)).load(Data(text.utf8))
        let stored = try await database.reader.read { db in
            try String.fetchOne(db, sql: "SELECT published_at FROM articles WHERE slug = ?", arguments: [article.slug])
        }
        #expect(stored == time.adding(seconds: 10 * 3600).rfc3339)
        #expect(stored != shifted.rfc3339)
    }

    /// Times stored by earlier versions in other forms are rewritten in the one canonical form.
    @Test func theMigrationRewritesStoredTimesInTheirCanonicalForm() async throws {
        let folder = try TemporaryFolder()
        let queue = try databaseQueue(at: folder.databasePath, migratedThrough: 7)
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO authors (slug, name, created_at, updated_at)
                    VALUES ('a', 'A', '2026-11-28T02:00:00-10:00', '2026-11-28T12:00:00.750Z');
                    INSERT INTO articles (slug, title, excerpt, status, published_at, author_id, body_markdown,
                        body_html, body_plaintext, word_count, reading_time_minutes, created_at, updated_at)
                    VALUES ('far', 'Far', '', 'published', '10000-01-01T00:59:59Z', 1, '', '', '', 0, 1,
                            '2026-11-28 12:00:00', '2026-11-28T12:00:00Z'),
                           ('early', 'Early', '', 'published', '2026-11-28T05:00:00-10:00', 1, '', '', '', 0, 1,
                            '2026-11-28T12:00:00Z', '2026-11-28T12:00:00Z');
                    """
            )
        }
        try queue.close()
        let database = try AppDatabase(path: folder.databasePath)
        let rows = try database.reader.read { db in
            try Row.fetchAll(db, sql: "SELECT slug, published_at, created_at FROM articles ORDER BY slug")
        }
        #expect(rows.map { $0["published_at"] as String } == ["2026-11-28T15:00:00Z", "9999-12-31T23:59:59Z"])
        #expect(rows.map { $0["created_at"] as String } == ["2026-11-28T12:00:00Z", "2026-11-28T12:00:00Z"])
        let author = try database.reader.read { db in try Row.fetchOne(db, sql: "SELECT * FROM authors") }
        #expect(author?["created_at"] == "2026-11-28T12:00:00Z")
        #expect(author?["updated_at"] == "2026-11-28T12:00:00Z")
        // The far-future article is still scheduled, not live.
        let visible = try await SQLiteArticleStore(
            database: database,
            clock: ContentClock { Timestamp(rfc3339: "2026-11-28T16:00:00Z")! }
        ).list(ArticleListQuery())
        #expect(visible.articles.map(\.slug) == ["early"])
    }

    @Test func aFailingInsertRollsBackTheWholeImport() async throws {
        let source = try TemporaryFolder()
        var document = try await SQLitePortabilityStore(database: try await Self.demoDatabase(source)).export()
        // Passes the document checks, breaks a primary key at the very end.
        document.articles[document.articles.count - 1].dailyViews = [
            DailyViewsExport(day: "2026-11-28", views: 1), DailyViewsExport(day: "2026-11-28", views: 2),
        ]
        let target = try TemporaryFolder()
        let database = try AppDatabase(path: target.databasePath)
        await #expect(throws: (any Error).self) {
            try await SQLitePortabilityStore(database: database).importContent(document)
        }
        try await database.reader.read { db throws in #expect(try !AppDatabase.holdsContent(db)) }
    }

    @Test func backupMakesAConsistentCopyWhileWritesGoOn() async throws {
        let source = try TemporaryFolder()
        let database = try await Self.demoDatabase(source)
        let writer = Task {
            for round in 0..<200 {
                try await database.writer.write { db in
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
        let original = try await SQLitePortabilityStore(database: database).export()
        let copied = try await SQLitePortabilityStore(database: copy).export()
        #expect(copied.articles.map(\.slug) == original.articles.map(\.slug))
        #expect(copied.authors == original.authors)
        try await copy.reader.read { db throws in
            #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM api_tokens") == 1)
        }
        await #expect(throws: (any Error).self) { _ = try await database.backup(to: copyPath) }
    }
}
