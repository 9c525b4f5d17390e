import Foundation
import GRDB
import MastheadMigrations
import MastheadSQLite
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

@Suite struct MigrationTests {
    /// Every `.sql` file in `Migrations/` is compiled in as it is, in file-name order.
    @Test func everyMigrationFileIsCompiledInInOrder() throws {
        let folder = URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Migrations")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { !$0.hasPrefix(".") && $0.hasSuffix(".sql") }
            .map { String($0.dropLast(4)) }
            .sorted()
        #expect(!files.isEmpty)
        #expect(MastheadMigrations.all.map(\.identifier) == files)
        for migration in MastheadMigrations.all {
            let source = try String(
                contentsOf: folder.appendingPathComponent(migration.identifier + ".sql"),
                encoding: .utf8
            )
            #expect(
                migration.sql == source,
                "\(migration.identifier) is compiled from an older copy of its file: touch Migrations (CONTRIBUTING.md)"
            )
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
        let (journal, foreignKeys) = try await database.reader.read { db in
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
        let sites = try await reopened.reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM site") }
        #expect(sites == 1)
    }

    @Test func anArticleWithAnUnknownAuthorIsRefusedByTheSchema() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(path: folder.databasePath)
        await #expect(throws: DatabaseError.self) {
            try await database.writer.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO articles (slug, title, excerpt, status, author_id, word_count,
                            reading_time_minutes, created_at, updated_at)
                        VALUES ('x', 'X', '', 'draft', 999, 0, 1, 'now', 'now')
                        """
                )
            }
        }
    }
}

@Suite struct BodyMigrationTests {
    /// 0010 moves bodies out of `articles` and rebuilds the index over them; everything that
    /// pointed at an article (tags, redirects, daily views) still does.
    @Test func movingBodiesKeepsArticlesTheirLinksAndTheirSearch() async throws {
        let folder = try TemporaryFolder()
        let queue = try databaseQueue(at: folder.databasePath, migratedThrough: 9)
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO authors (slug, name, created_at, updated_at)
                    VALUES ('a', 'A', '2026-11-28T12:00:00Z', '2026-11-28T12:00:00Z');
                    INSERT INTO tags (slug, name, created_at, updated_at)
                    VALUES ('t', 'T', '2026-11-28T12:00:00Z', '2026-11-28T12:00:00Z');
                    INSERT INTO articles (slug, title, excerpt, status, published_at, author_id, body_markdown,
                        body_html, body_plaintext, word_count, reading_time_minutes, views, created_at, updated_at)
                    VALUES ('moved', 'Moved', 'About aardvarks.', 'published', '2026-11-28T12:00:00Z', 1,
                            '# Hello\n\nAbout *aardvarks*.', '<h1>Hello</h1>', 'Hello\nAbout aardvarks.', 3, 1, 7,
                            '2026-11-28T12:00:00Z', '2026-11-28T12:00:00Z');
                    INSERT INTO article_tags (article_id, tag_id, position) VALUES (1, 1, 0);
                    INSERT INTO article_redirects (old_slug, article_id, created_at)
                    VALUES ('old', 1, '2026-11-28T12:00:00Z');
                    INSERT INTO article_views_daily (article_id, day, views) VALUES (1, '2026-11-28', 7);
                    """
            )
        }
        try queue.close()

        let database = try AppDatabase(path: folder.databasePath)
        try await database.writer.write { db in
            let columns = try db.columns(in: "articles").map(\.name)
            #expect(!columns.contains { $0.hasPrefix("body_") })
            let body = try #require(
                try Row.fetchOne(
                    db,
                    sql: "SELECT markdown, masthead_inflate(plaintext) AS plaintext FROM article_bodies"
                )
            )
            #expect(body["markdown"] == "# Hello\n\nAbout *aardvarks*.")
            #expect(body["plaintext"] == "Hello\nAbout aardvarks.")
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM article_tags") == 1)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM article_redirects") == 1)
            #expect(try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM article_views_daily") == 1)
            #expect(try db.foreignKeyViolations().map { _ in 1 }.reduce(0, +) == 0)
            try db.execute(sql: "INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)")
            try expectPublicIndexConsistent(db, "migrating")
        }
        let hits = try await SQLiteSearchStore(
            database: database,
            clock: ContentClock { Timestamp(rfc3339: "2026-11-29T00:00:00Z")! }
        ).search(
            try #require(try SearchQuery(parsing: "aardvark")),
            kinds: [.article],
            page: PageRequest(number: 1, limit: 20)
        )
        #expect(hits.items.map(\.slug) == ["moved"])
        #expect(hits.items.first?.snippet.contains("aardvarks") == true)
        let article = try await SQLiteArticleStore(
            database: database,
            clock: ContentClock { Timestamp(rfc3339: "2026-11-29T00:00:00Z")! }
        ).find(slug: Slug(parsing: "moved")!, bodies: [.html, .plaintext], visibility: .published)
        #expect(article.bodyHTML == "<h1>Hello</h1>\n<p>About <em>aardvarks</em>.</p>\n")
        #expect(article.tags.map(\.slug) == ["t"])
        #expect(article.views == 7)
        // 0011 gave the existing tag link its article's publication time.
        var tagged = ArticleListQuery()
        tagged.tags = [Slug(parsing: "t")!]
        let timeline = try await SQLiteArticleStore(
            database: database,
            clock: ContentClock { Timestamp(rfc3339: "2026-11-29T00:00:00Z")! }
        ).list(tagged)
        #expect(timeline.articles.map(\.slug) == ["moved"])
        #expect(timeline.total == 1)
    }

    /// Every table whose rows have an `id` of their own (all but the one-row site) gives each
    /// id once: `AUTOINCREMENT`, so that a new table cannot bring back the defect of 0019.
    @Test func everyTableWithItsOwnIdsGivesEachIdOnce() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(path: folder.databasePath)
        let tables = try database.reader.read { db in
            try Row.fetchAll(db, sql: "SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND sql IS NOT NULL")
        }
        let withIds = tables.filter { ($0["sql"] as String).contains(/(?m)^\s*id\s+INTEGER\s+PRIMARY\s+KEY/) }
        #expect(withIds.count == 12)
        for table in withIds where table["name"] as String != "site" {
            #expect((table["sql"] as String).contains("PRIMARY KEY AUTOINCREMENT"), "\(table["name"] as String)")
        }
    }

    /// The rebuild runs only with foreign keys off, as the migrator runs it: with them on,
    /// dropping the old table would cascade into every table that refers to it.
    @Test func theRebuildRefusesToRunWithForeignKeysOn() throws {
        let queue = try DatabaseQueue()
        try queue.inDatabase { db in
            try db.execute(sql: "PRAGMA foreign_keys = ON")
            try db.execute(
                sql: """
                    CREATE TABLE parents (
                        id   INTEGER PRIMARY KEY,
                        name TEXT
                    );
                    CREATE TABLE children (parent_id INTEGER REFERENCES parents (id) ON DELETE CASCADE);
                    INSERT INTO parents VALUES (1, 'p'); INSERT INTO children VALUES (1);
                    """
            )
            let failure = #expect(throws: AutoincrementRebuildFailure.self) {
                try AppDatabase.rebuildWithAutoincrement("parents", in: db)
            }
            #expect(failure?.reason == "foreign keys must be off while it runs")
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM children") == 1)
        }
    }

    /// 0019 rebuilds the tables with `AUTOINCREMENT` and keeps everything: rows, links,
    /// indexes, triggers (search follows later writes), and the ids a database already gave.
    @Test func givingIdsOnceKeepsEveryRowIndexAndTrigger() async throws {
        let folder = try TemporaryFolder()
        let queue = try databaseQueue(at: folder.databasePath, migratedThrough: 18)
        let now = "'2026-11-28T12:00:00Z'"
        try await queue.write { db in
            try db.execute(
                sql: """
                    INSERT INTO authors (slug, name, created_at, updated_at) VALUES ('a', 'A', \(now), \(now));
                    INSERT INTO tags (slug, name, created_at, updated_at) VALUES ('t', 'T', \(now), \(now));
                    INSERT INTO articles (slug, title, excerpt, status, published_at, author_id, word_count,
                        reading_time_minutes, searchable, created_at, updated_at)
                    VALUES ('kept', 'Kept', 'About aardvarks.', 'published', \(now), 1, 2, 1, 1, \(now), \(now)),
                           ('newest', 'Newest', 'Gone.', 'draft', NULL, 1, 1, 1, 0, \(now), \(now));
                    INSERT INTO article_bodies (article_id, markdown, plaintext)
                    VALUES (1, 'About *aardvarks*.', masthead_deflate('About aardvarks.')),
                           (2, 'Gone.', masthead_deflate('Gone.'));
                    INSERT INTO article_tags (article_id, tag_id, position) VALUES (1, 1, 0);
                    DELETE FROM articles WHERE id = 2;
                    """
            )
        }
        let objects = """
            SELECT type || ' ' || name || ': ' || coalesce(sql, '') FROM sqlite_schema
            WHERE type IN ('index', 'trigger', 'view') ORDER BY name
            """
        let before = try await queue.read { db in try String.fetchAll(db, sql: objects) }
        try queue.close()
        // Compared right after 0019: a later migration may add indexes of its own.
        let rebuilt = try databaseQueue(at: folder.databasePath, migratedThrough: 19)
        let after = try await rebuilt.read { db in try String.fetchAll(db, sql: objects) }
        #expect(after == before, "indexes, triggers and views as they were")
        try rebuilt.close()

        let database = try AppDatabase(path: folder.databasePath)
        try await database.writer.write { db in
            #expect(try String.fetchAll(db, sql: "SELECT slug FROM articles") == ["kept"])
            #expect(try Int.fetchOne(db, sql: "SELECT count(*) FROM article_tags") == 1)
            #expect(try db.foreignKeyViolations().map { _ in 1 }.reduce(0, +) == 0)
            try db.execute(sql: "INSERT INTO search_index (search_index, rank) VALUES ('integrity-check', 1)")
            try expectPublicIndexConsistent(db, "giving ids once")
        }
        let clock = ContentClock { Timestamp(rfc3339: "2026-11-29T00:00:00Z")! }
        let articles = SQLiteArticleStore(database: database, clock: clock)
        // Made again after the migration: above every id the table holds, and search, kept by
        // the rebuilt table's triggers, finds the new one.
        let again = ArticleInput.make(
            slug: "again",
            title: "Aardvarks again",
            body: "More aardvarks.",
            publishedAt: Timestamp(rfc3339: "2026-11-28T13:00:00Z"),
            author: "a"
        )
        let made = try await articles.create(again, by: nil)
        #expect(made.id == 2, "the largest id held was 1; 2 was deleted before the migration")
        try await articles.delete(slug: Slug(parsing: "again")!, expectedRevision: nil, by: nil)
        let third = try await articles.create(again, by: nil)
        #expect(third.id == 3)
        let hits = try await SQLiteSearchStore(database: database, clock: clock).search(
            try #require(try SearchQuery(parsing: "aardvark")),
            kinds: [.article],
            page: PageRequest(number: 1, limit: 20)
        )
        #expect(Set(hits.items.map(\.slug)) == ["kept", "again"])
    }
}

@Suite struct CompressedTextTests {
    @Test func textSurvivesTheRoundTripAndCorruptionIsRefused() throws {
        for text in ["", "a", "Ünïcödé ✓ — 日本語", String(repeating: "long text ", count: 50_000)] {
            let stored = CompressedText.compress(text)
            #expect(CompressedText.decompress(stored) == text)
        }
        let stored = CompressedText.compress(String(repeating: "x", count: 1000))
        #expect(stored.count < 100)
        #expect(CompressedText.decompress(stored.prefix(stored.count - 3)) == nil)
        var wrongLength = stored
        wrongLength[0] = 0xFF
        #expect(CompressedText.decompress(wrongLength) == nil)
        #expect(CompressedText.decompress(Data([0xFF, 0xFF, 0xFF, 0x7F, 1, 2])) == nil)
        #expect(CompressedText.decompress(Data([1, 2])) == nil)
    }
}
