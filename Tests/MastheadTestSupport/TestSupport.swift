import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import Masthead
import MastheadDomain
import MastheadMigrations
import MastheadPostgres
import MastheadSQLite
import MastheadStorage
import NIOCore
import PostgresNIO
import Synchronization
import Testing

/// A clock that tests move by hand.
package final class TestClock: Sendable {
    private let current: Mutex<Timestamp>

    package init(_ start: Timestamp = Timestamp(rfc3339: "2026-11-28T12:00:00Z")!) {
        current = Mutex(start)
    }

    package var now: Timestamp { current.withLock { $0 } }

    package func advance(seconds: Int64) {
        current.withLock { $0 = $0.adding(seconds: seconds) }
    }

    package var contentClock: ContentClock {
        ContentClock { self.now }
    }
}

/// A fresh folder for a test's database file, removed when the test ends.
package final class TemporaryFolder: Sendable {
    package let url: URL

    package init(prefix: String = "masthead-tests") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    package var databasePath: String { url.appendingPathComponent("masthead.sqlite").path }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }
}

/// Builds the real application on a fresh SQLite database, runs `body` against its router,
/// and hands the test the database too, to seed it and to check its state.
package func withApp(
    demo: Bool = false,
    clock: TestClock = TestClock(),
    trustProxy: Bool = false,
    views: ViewSettings = ViewSettings(),
    cacheMaxBytes: Int = 64 << 20,
    logs: LogRecorder? = nil,
    testing: TestingSetup = .router,
    configure: (inout AppConfiguration) -> Void = { _ in },
    onDemoToken: (APIToken) -> Void = { _ in },
    seed: (Seeder) async throws -> Void = { _ in },
    _ body: @Sendable (any TestClientProtocol, AppDatabase) async throws -> Void
) async throws {
    try await withApp(
        on: .sqlite,
        demo: demo,
        clock: clock,
        views: views,
        cacheMaxBytes: cacheMaxBytes,
        logs: logs,
        testing: testing,
        configure: { configuration in
            configuration.trustProxy = trustProxy
            configure(&configuration)
        },
        onDemoToken: onDemoToken,
        seed: seed
    ) { client, storage in
        try await body(client, try #require(storage.sqlite))
    }
}

/// Builds the real application on a fresh database of `engine`, runs `body` against it, and
/// hands the test the storage too, to seed it and to check its state in ways both engines
/// answer alike.
package func withApp(
    on engine: AppEngine,
    demo: Bool = false,
    clock: TestClock = TestClock(),
    views: ViewSettings = ViewSettings(),
    cacheMaxBytes: Int = 64 << 20,
    logs: LogRecorder? = nil,
    testing: TestingSetup = .router,
    configure: (inout AppConfiguration) -> Void = { _ in },
    onDemoToken: (APIToken) -> Void = { _ in },
    seed: (Seeder) async throws -> Void = { _ in },
    _ body: @Sendable (any TestClientProtocol, TestStorage) async throws -> Void
) async throws {
    let database = try await TestDatabase(on: engine)
    let location = database.location
    var configuration = AppConfiguration(
        port: 0,
        databasePath: location,
        loadDemoContent: demo,
        logLevel: logs == nil ? .error : .trace,
        views: views,
        cacheMaxBytes: cacheMaxBytes
    )
    configuration.databaseConnections = 4
    // Every test client is one address: the limit is tested where it is the subject.
    configuration.rateLimit = .off
    // Images made and uploads received go where the test's other files go.
    let mediaFolder = try TemporaryFolder(prefix: "masthead-media")
    configuration.media.cacheFolder = mediaFolder.url.path
    configure(&configuration)
    let app = try await buildApplication(
        configuration,
        clock: clock.contentClock,
        logger: logs?.logger,
        onDemoToken: onDemoToken
    )
    let storage = try await TestStorage(engine, location: location, clock: clock)
    try await seed(storage.seeder)
    try await app.test(testing) { client in
        try await body(client, storage)
    }
    withExtendedLifetime((database, mediaFolder)) {}
}

/// Where a test's application keeps its data: a file in a temporary folder (SQLite) or a
/// database of its own on the test server (PostgreSQL); either goes when the test lets go.
package final class TestDatabase: Sendable {
    /// What `--db` takes.
    package let location: String
    /// The folder or the database, removed when this goes.
    private let owned: any Sendable

    package init(on engine: AppEngine) async throws {
        switch engine {
        case .sqlite:
            let folder = try TemporaryFolder()
            (location, owned) = (folder.databasePath, folder)
        case .postgres:
            let scratch = try await PostgresTestServer.makeEmptyDatabase()
            (location, owned) = (scratch.url, scratch)
        }
    }
}

/// The engine a test application stores its data in.
package enum AppEngine: String, Sendable, CustomTestStringConvertible {
    case sqlite = "SQLite"
    case postgres = "PostgreSQL"

    package var testDescription: String { rawValue }

    /// SQLite always; PostgreSQL when a server is configured (`PostgresTestServer`).
    package static var available: [AppEngine] { [.sqlite] + (PostgresTestServer.isConfigured ? [.postgres] : []) }
}

/// A test application's storage, whichever engine holds it: the stores over it, a seeder, and
/// plain SQL for checking state (both engines have the same tables and columns).
package struct TestStorage: Sendable {
    package let engine: AppEngine
    package let stores: Stores
    package let seeder: Seeder
    /// The SQLite database, for the checks only that engine can answer.
    package let sqlite: AppDatabase?
    package let postgres: PostgresTestDatabase?

    package init(
        _ engine: AppEngine,
        location: String,
        clock: TestClock,
        kinds: [any DescribedInput.Type] = DescribedKinds.all
    ) async throws {
        self.engine = engine
        switch engine {
        case .sqlite:
            let database = try AppDatabase(path: location)
            (sqlite, postgres) = (database, nil)
            stores = Stores.sqlite(database, clock: clock.contentClock, kinds: kinds)
            seeder = Seeder(database, now: clock.now)
        case .postgres:
            let database = try await PostgresTestDatabase(location: try PostgresLocation(url: location))
            (sqlite, postgres) = (nil, database)
            stores = Stores.postgres(database.engine, clock: clock.contentClock, kinds: kinds)
            seeder = Seeder(database.engine, now: clock.now)
        }
    }

    /// A new token with `scopes`, made through the token store; its secret.
    package func token(_ scopes: [Scope], name: String = "test", expiresAt: Timestamp? = nil) async throws -> String {
        try await stores.tokens.create(name: name, scopes: scopes, expiresAt: expiresAt).0.secret
    }

    /// The one integer `sql` answers (a count, most often), or nil for no row or NULL.
    package func integer(_ sql: String) async throws -> Int? {
        try await scalar(sql, as: Int.self)
    }

    /// Runs `sql`, which changes stored state behind the stores' backs (a test's way of
    /// making a row no store would write).
    package func execute(_ sql: String) async throws {
        if let sqlite {
            try await sqlite.writer.write { db in try db.execute(sql: sql) }
            return
        }
        let database = try #require(postgres)
        _ = try await database.engine.client.query(PostgresQuery(unsafeSQL: sql), logger: PostgresTestServer.logger)
    }

    /// The one text `sql` answers, or nil for no row or NULL.
    package func text(_ sql: String) async throws -> String? {
        try await scalar(sql, as: String.self)
    }

    private func scalar<Value: DatabaseValueConvertible & PostgresDecodable & Sendable>(
        _ sql: String,
        as type: Value.Type
    ) async throws -> Value? where Value._DecodableType == Value {
        if let sqlite {
            return try await sqlite.reader.read { db in try Value.fetchOne(db, sql: sql) }
        }
        let database = try #require(postgres)
        let rows = try await database.engine.client.query(
            PostgresQuery(unsafeSQL: sql),
            logger: PostgresTestServer.logger
        )
        for try await row in rows { return try row.decode(Value?.self) }
        return nil
    }
}

/// The application's router on `database`, without a server, for tests that look at the
/// routes themselves.
package func makeRouter(_ database: AppDatabase) -> MastheadRouter {
    let stores = Stores.sqlite(database, clock: .system)
    let counter = ViewCounter(
        store: stores.views,
        clock: .system,
        settings: .init(),
        logger: Logger(label: "test")
    )
    return MastheadRouter(
        database: database,
        stores: stores,
        counter: counter,
        cache: ResponseCache(maximumBytes: 0),
        clock: .system
    )
}

extension TestClientProtocol {
    package func get(_ uri: String, headers: HTTPFields = [:]) async throws -> TestResponse {
        try await execute(uri: uri, method: .get, headers: headers) { $0 }
    }

    /// A request with a JSON body (Content-Type: application/json unless `headers` say otherwise).
    package func send(
        _ method: HTTPRequest.Method,
        _ uri: String,
        json: String? = nil,
        token: String? = nil,
        headers: HTTPFields = [:]
    ) async throws -> TestResponse {
        var fields = headers
        if let token { fields[.authorization] = "Bearer \(token)" }
        if json != nil && fields[.contentType] == nil { fields[.contentType] = "application/json" }
        return try await execute(
            uri: uri,
            method: method,
            headers: fields,
            body: json.map { ByteBuffer(string: $0) }
        ) { $0 }
    }
}

extension TestResponse {
    /// The body parsed as JSON.
    package var json: JSON {
        get throws { try JSONDecoder().decode(JSON.self, from: Data(buffer: body)) }
    }

    package var text: String { String(buffer: body) }
}

/// A parsed JSON document, typed, for assertions: the server's own `JSONValue`.
package typealias JSON = JSONValue

extension JSONValue: CustomStringConvertible {
    package subscript(key: String) -> JSON {
        if case .object(let members) = self { return members[key] ?? .null }
        return .null
    }

    package subscript(index: Int) -> JSON {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return .null
    }

    package var string: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    package var int: Int? {
        if case .integer(let value) = self { return Int(value) }
        return nil
    }

    package var bool: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    package var array: [JSON] {
        if case .array(let items) = self { return items }
        return []
    }

    package var keys: Set<String> {
        if case .object(let members) = self { return Set(members.keys) }
        return []
    }

    package var isNull: Bool { self == .null }

    /// The `slug` of every item of a list.
    package var slugs: [String] { array.compactMap { $0["slug"].string } }

    public var description: String {
        switch self {
        case .null: "null"
        case .bool(let value): "\(value)"
        case .integer(let value): "\(value)"
        case .number(let value): "\(value)"
        case .string(let value): "\"\(value)\""
        case .array(let items): "[\(items.map(\.description).joined(separator: ","))]"
        case .object(let members):
            "{\(members.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ","))}"
        }
    }
}

/// Makes a token straight in the database and returns its secret.
package func makeToken(
    _ database: AppDatabase,
    _ scopes: [Scope],
    name: String = "test",
    expiresAt: Timestamp? = nil,
    clock: TestClock = TestClock()
) async throws -> String {
    let tokens = SQLiteTokenStore(database: database, clock: clock.contentClock)
    return try await tokens.create(name: name, scopes: scopes, expiresAt: expiresAt).0.secret
}

/// Keeps every log line, message and metadata, for tests that check what is logged.
package final class LogRecorder: Sendable {
    private let lines = Mutex<[String]>([])
    package let format: LogFormat

    /// `.text` records `level message key=value…`; `.json` records the lines
    /// `JSONLogHandler` writes, newline removed.
    package init(format: LogFormat = .text) {
        self.format = format
    }

    package var all: [String] { lines.withLock { $0 } }

    package func append(_ line: String) {
        lines.withLock { $0.append(line) }
    }

    package var logger: Logger {
        switch format {
        case .text:
            return Logger(label: "masthead-test") { _ in RecordingLogHandler(recorder: self) }
        case .json:
            return Logger(label: "masthead-test") { label in
                var handler = JSONLogHandler(label: label) { line in
                    self.append(String(decoding: line.dropLast(), as: UTF8.self))
                }
                handler.logLevel = .trace
                return handler
            }
        }
    }
}

package struct RecordingLogHandler: LogHandler {
    package let recorder: LogRecorder
    package var metadata: Logger.Metadata = [:]
    package var logLevel: Logger.Level = .trace

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    package func log(event: LogEvent) {
        let all = metadata.merging(event.metadata ?? [:]) { $1 }
        let rendered = all.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
        recorder.append("\(event.level) \(event.message) \(rendered)")
    }
}
/// Writes hand-built content straight into a test database, on either engine: times, views
/// and states the API would not let a write set.
package struct Seeder: Sendable {
    private enum Target: Sendable {
        case sqlite(AppDatabase)
        case postgres(PostgresEngine)
    }

    private let target: Target
    /// The stores over the same database, for content the API's own writes can make.
    package let stores: Stores
    package let now: Timestamp

    package init(_ database: AppDatabase, now: Timestamp) {
        self.target = .sqlite(database)
        self.stores = Stores.sqlite(database, clock: ContentClock { now })
        self.now = now
    }

    package init(_ engine: PostgresEngine, now: Timestamp) {
        self.target = .postgres(engine)
        self.stores = Stores.postgres(engine, clock: ContentClock { now })
        self.now = now
    }

    /// The SQLite database, for the seeds only that engine takes.
    package var database: AppDatabase {
        get throws {
            guard case .sqlite(let database) = target else { throw SeedError.sqliteOnly }
            return database
        }
    }

    package enum SeedError: Error { case sqliteOnly }

    @discardableResult
    package func author(_ slug: String, name: String? = nil) async throws -> Int64 {
        try await insertNamed(into: "authors", slug: slug, name: name ?? slug.capitalized)
    }

    @discardableResult
    package func tag(_ slug: String, name: String? = nil) async throws -> Int64 {
        try await insertNamed(into: "tags", slug: slug, name: name ?? slug.uppercased())
    }

    /// An author or a tag (`table`, named here, never from input), created and updated now.
    private func insertNamed(into table: String, slug: String, name: String) async throws -> Int64 {
        let now = now
        switch target {
        case .sqlite(let database):
            return try await database.writer.write { db in
                try db.execute(
                    sql: "INSERT INTO \(table) (slug, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
                    arguments: [slug, name, now, now]
                )
                return db.lastInsertedRowID
            }
        case .postgres(let engine):
            return try await insert(
                """
                INSERT INTO \(unescaped: table) (slug, name, created_at, updated_at)
                VALUES (\(slug), \(name), \(now), \(now)) RETURNING id
                """,
                engine
            )
        }
    }

    /// An article by `author`, tagged with `tags` (slugs that exist), published at
    /// `publishedAt` (nil for a draft).
    @discardableResult
    package func article(
        _ slug: String,
        title: String? = nil,
        author: String,
        tags: [String] = [],
        publishedAt: Timestamp?,
        featured: Bool = false,
        views: Int = 0,
        body: String = "Some words for the body."
    ) async throws -> Int64 {
        let title = title ?? slug.replacingOccurrences(of: "-", with: " ").capitalized
        let written = publishedAt ?? now
        let status = publishedAt == nil ? "draft" : "published"
        switch target {
        case .sqlite(let database):
            return try await database.writer.write { db in
                let authorID = try Int64.fetchOne(
                    db,
                    sql: "SELECT id FROM authors WHERE slug = ?",
                    arguments: [author]
                )!
                var record = ArticleRecord(
                    slug: slug,
                    title: title,
                    excerpt: "",
                    status: status,
                    featured: featured,
                    publishedAt: publishedAt,
                    authorId: authorID,
                    wordCount: 0,
                    readingTimeMinutes: 1,
                    views: views,
                    createdAt: written,
                    updatedAt: written
                )
                let bodyRecord = record.setBody(body)
                try record.insert(db)
                try bodyRecord.save(for: record.id!, db)
                for (position, tag) in tags.enumerated() {
                    let tagID = try Int64.fetchOne(db, sql: "SELECT id FROM tags WHERE slug = ?", arguments: [tag])!
                    try ArticleTagRecord(articleId: record.id!, tagId: tagID, position: position).insert(db)
                }
                return record.id!
            }
        case .postgres(let engine):
            let text = ArticleText(markdown: body)
            let excerpt = text.fallbackExcerpt
            return try await engine.write(announcing: nil) { connection in
                let id = try await connection.run(
                    """
                    INSERT INTO articles (slug, title, excerpt, status, featured, published_at, author_id, word_count,
                        reading_time_minutes, views, created_at, updated_at)
                    SELECT \(slug), \(title), \(excerpt), \(status), \(featured), \(publishedAt), id, \(text.wordCount),
                        \(text.readingTimeMinutes), \(views), \(written), \(written)
                    FROM authors WHERE slug = \(author) RETURNING id
                    """,
                    engine.logger
                ).first { try $0["id"] as Int64 }!
                try await PostgresArticleStore.saveBody(text, of: id, connection, engine.logger)
                try await connection.run(
                    """
                    INSERT INTO article_tags (article_id, tag_id, position, visible_from)
                    SELECT \(id), t.id, given.position - 1, \(publishedAt)
                    FROM unnest(\(tags)::text[]) WITH ORDINALITY AS given(slug, position) JOIN tags t ON t.slug = given.slug
                    """,
                    engine.logger
                )
                return id
            }
        }
    }

    /// `count` views of the article on `day` (YYYY-MM-DD, UTC) in the daily counts.
    package func dailyViews(of slug: String, on day: String, _ count: Int) async throws {
        switch target {
        case .sqlite(let database):
            try await database.writer.write { db in
                try db.execute(
                    sql: "INSERT INTO article_views_daily SELECT id, ?, ? FROM articles WHERE slug = ?",
                    arguments: [day, count, slug]
                )
            }
        case .postgres(let engine):
            try await engine.write(announcing: nil) { connection in
                _ = try await connection.run(
                    "INSERT INTO article_views_daily SELECT id, \(day)::date, \(count) FROM articles WHERE slug = \(slug)",
                    engine.logger
                )
            }
        }
    }

    private func insert(_ statement: SQLFragment, _ engine: PostgresEngine) async throws -> Int64 {
        try await engine.write(announcing: nil) { connection in
            try await connection.run(statement, engine.logger).first { try $0["id"] as Int64 }!
        }
    }

    /// `days` days before `now`.
    package func daysAgo(_ days: Int64) -> Timestamp {
        now.adding(days: -days)
    }
}

/// A database as an older release left it: only the first `count` migrations applied (each
/// as the migrator runs it), on a connection with the SQL functions the schema's triggers call.
package func databaseQueue(at path: String, migratedThrough count: Int) throws -> DatabaseQueue {
    var configuration = Configuration()
    configuration.prepareDatabase { db in
        for function in CompressedText.functions { db.add(function: function) }
    }
    let queue = try DatabaseQueue(path: path, configuration: configuration)
    try AppDatabase.migrator(through: count).migrate(queue)
    return queue
}

/// The configuration `flags` and `environment` describe, as the executable reads it.
package func resolveConfiguration(
    _ flags: [Setting: String] = [:],
    environment: [String: String] = [:]
) async throws(AppConfiguration.Invalid) -> AppConfiguration {
    try AppConfiguration.resolve(try await SettingSources.load(flags: flags, environment: environment))
}

/// Waits for `work` up to `limit`: past it, records the issue and goes on, so that a hang
/// fails its test instead of holding up the whole run.
package func finishes(
    within limit: Duration,
    _ what: String,
    _ work: @escaping @Sendable () async -> Void
) async throws {
    final class Done: Sendable { let flag = Atomic(false) }
    let done = Done()
    let task = Task {
        await work()
        done.flag.store(true, ordering: .releasing)
    }
    let started = ContinuousClock.now
    while !done.flag.load(ordering: .acquiring) {
        if ContinuousClock.now - started > limit {
            task.cancel()
            Issue.record("\(what) did not finish within \(limit)")
            return
        }
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// The package's root folder (this file is in Tests/MastheadTestSupport).
package let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

extension ResourceStore {
    /// A write with no token behind it, as a seeding test makes it.
    @discardableResult
    package func create(_ input: Input) async throws -> Resource {
        try await create(input, by: nil)
    }

    @discardableResult
    package func replace(slug: Slug, with input: Input, expectedRevision: Int?) async throws -> Resource {
        try await replace(slug: slug, with: input, expectedRevision: expectedRevision, by: nil)
    }

    package func delete(slug: Slug, expectedRevision: Int?) async throws {
        try await delete(slug: slug, expectedRevision: expectedRevision, by: nil)
    }
}

/// Whether `look` finds what it looks for within `limit`, looking every `interval` and once
/// more when the time is up: a look that would have seen it is never skipped because the
/// sleep before it ran past the limit (this machine is shared, and sleeps run long).
package func lookUntil(
    within limit: Duration,
    every interval: Duration = .milliseconds(50),
    _ look: () async throws -> Bool
) async throws -> Bool {
    let deadline = ContinuousClock.now + limit
    while ContinuousClock.now < deadline {
        if try await look() { return true }
        try await Task.sleep(for: interval)
    }
    return try await look()
}
