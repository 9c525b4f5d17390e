import Foundation
import Logging
import MastheadMigrations
import MastheadTestSupport
import PostgresNIO
import Synchronization
import Testing
import _ConnectionPoolModule

@testable import Masthead
@testable import MastheadDomain
@testable import MastheadPostgres

@Suite struct PostgresLocationTests {
    @Test func aURLNamesEveryPartAndSSLMode() throws {
        let location = try PostgresLocation(
            url: "postgres://masthead:p%40ss%2Fword@db.internal:6543/signal?sslmode=verify-full"
        )
        #expect(location.host == "db.internal" && location.port == 6543 && location.database == "signal")
        #expect(location.username == "masthead" && location.password == "p@ss/word" && location.tls == .verifyFull)
        #expect(location.description == "postgres://masthead:***@db.internal:6543/signal?sslmode=verify-full")

        let defaults = try PostgresLocation(url: "postgresql://app@localhost/content")
        #expect(defaults.port == 5432 && defaults.password == nil && defaults.tls == .prefer)
        #expect(PostgresLocation.isURL("postgres://x") && !PostgresLocation.isURL("./masthead.sqlite"))
    }

    /// PostgresNIO's keep-alive statement bypasses `PGConnection`: one that raced its
    /// connection's close would hold the pool's run, and the shutdown, for ever.
    @Test func thePoolRunsNoKeepAliveStatements() throws {
        let location = try PostgresLocation(url: "postgres://app@localhost/content")
        #expect(location.clientConfiguration.options.keepAliveBehavior == nil)
        #expect(location.clientConfiguration.options.maximumConnections == location.maximumConnections)
    }

    @Test(arguments: [
        ("postgres://localhost/db", "it names no user"),
        ("postgres://user@/db", "it names no host"),
        ("postgres://user@localhost", "it names no database"),
        ("postgres://user@localhost/", "it names no database"),
        ("postgres://user@localhost/db?sslmode=sometimes", "sslmode must be one of disable, prefer, require"),
        ("postgres://user@localhost/db?connect_timeout=3", "unknown parameter 'connect_timeout'"),
        ("mysql://user@localhost/db", "it is not a postgres:// URL"),
    ])
    func aBadURLIsRefusedWithOneLineThatHidesThePassword(_ url: String, _ reason: String) {
        #expect {
            try PostgresLocation(url: url)
        } throws: { error in
            let description = (error as? PostgresLocation.Invalid)?.description ?? ""
            return description.contains(reason) && !description.contains("\n")
        }
    }

    @Test func theMessageNeverRepeatsThePassword() {
        #expect {
            try PostgresLocation(url: "postgres://user:hunter2@localhost/db?sslmode=bad")
        } throws: { error in
            !"\(error)".contains("hunter2")
        }
    }
}

@Suite struct SQLScriptTests {
    @Test func statementsAreCutAtSemicolonsOutsideQuotesAndComments() {
        let script = """
            -- a comment; with a semicolon
            CREATE TABLE a (x text DEFAULT 'semi;colon');
            CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $body$ BEGIN RETURN 'a;b'; END $body$;
            CREATE TABLE "odd;name" (y int);

            """
        #expect(
            SQLScript.statements(in: script) == [
                "CREATE TABLE a (x text DEFAULT 'semi;colon')",
                "CREATE FUNCTION f() RETURNS text LANGUAGE plpgsql AS $body$ BEGIN RETURN 'a;b'; END $body$",
                "CREATE TABLE \"odd;name\" (y int)",
            ]
        )
    }

    @Test func everyPostgresMigrationIsCompiledInInOrder() throws {
        let folder = packageRoot.appendingPathComponent("Migrations/PostgreSQL")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { !$0.hasPrefix(".") && $0.hasSuffix(".sql") }.sorted().map { String($0.dropLast(4)) }
        #expect(MastheadMigrations.postgreSQL.map(\.identifier) == files)
        #expect(files.allSatisfy { $0.wholeMatch(of: /[0-9]{4}(_[a-z]+){2,}/) != nil })
        for (index, file) in files.enumerated() {
            #expect(file.hasPrefix(String(format: "%04d_", index + 1)), "\(file): numbered in turn, none twice")
        }
        for migration in MastheadMigrations.postgreSQL {
            let file = folder.appendingPathComponent(migration.identifier + ".sql")
            #expect(
                try migration.sql == String(contentsOf: file, encoding: .utf8),
                "\(migration.identifier) is compiled from an older copy: touch Migrations/PostgreSQL (CONTRIBUTING.md)"
            )
        }
    }
}

@Suite(.enabled(if: PostgresTestServer.isConfigured, "set MASTHEAD_TEST_POSTGRES_URL to run the PostgreSQL tests"))
struct PostgresEngineTests {
    @Test func tenInstancesStartingAtOnceMigrateOnce() async throws {
        let fresh = try await PostgresTestServer.makeEmptyDatabase()
        let clients = (0..<10).map { _ in
            PostgresClient(
                configuration: fresh.location.clientConfiguration,
                backgroundLogger: PostgresTestServer.logger
            )
        }
        let engines = clients.map { PostgresEngine(client: $0, logger: PostgresTestServer.logger) }
        try await withThrowingTaskGroup(of: [String].self) { group in
            for client in clients {
                group.addTask {
                    await client.run(); return []
                }
            }
            for engine in engines { group.addTask { try await engine.migrate() } }
            var results: [[String]] = []
            for _ in engines {
                if let applied = try await group.next(), !applied.isEmpty { results.append(applied) }
            }
            #expect(results.count == 10)
            #expect(Set(results) == [MastheadMigrations.postgreSQL.map(\.identifier)])
            for engine in engines { #expect(await engine.isReady()) }
            let rows = try await engines[0].client.query(
                "SELECT count(*) AS applied FROM masthead_migrations",
                logger: PostgresTestServer.logger
            )
            #expect(try await rows.first { try $0["applied"] as Int } == MastheadMigrations.postgreSQL.count)
            group.cancelAll()
        }
        withExtendedLifetime(fresh) {}
    }

    @Test func articlesWrittenBeforeTheirRankDocumentsGetThemWhenMigrated() async throws {
        let fresh = try await PostgresTestServer.makeEmptyDatabase()
        let client = PostgresClient(
            configuration: fresh.location.clientConfiguration,
            backgroundLogger: PostgresTestServer.logger
        )
        let engine = PostgresEngine(client: client, logger: PostgresTestServer.logger)
        let logger = PostgresTestServer.logger
        let before = MastheadMigrations.postgreSQL.prefix { $0.identifier < "0005" }
        #expect(before.count == 4)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await client.run() }
            // The database as 0004 left it, with an article in it.
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    "CREATE TABLE masthead_migrations (identifier text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                    logger: logger
                )
                for migration in before {
                    for statement in SQLScript.statements(in: migration.sql) {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query(
                        "INSERT INTO masthead_migrations (identifier) VALUES (\(migration.identifier))",
                        logger: logger
                    )
                }
                try await connection.query(
                    """
                    WITH author AS (
                        INSERT INTO authors (slug, name, created_at, updated_at) VALUES ('ann', 'Ann', now(), now())
                        RETURNING id
                    ), article AS (
                        INSERT INTO articles (slug, title, excerpt, status, published_at, author_id, word_count,
                            reading_time_minutes, created_at, updated_at)
                        SELECT 'kept', 'Kubernetes Kept', 'An excerpt.', 'published', now(), id, 3, 1, now(), now()
                        FROM author RETURNING id
                    )
                    INSERT INTO article_bodies (article_id, markdown, plaintext)
                    SELECT id, 'Deployment notes.', 'Deployment notes.' FROM article
                    """,
                    logger: logger
                )
            }
            let applied = try await engine.migrate()
            #expect(applied.contains("0005_rank_articles_by_their_lead"))
            let ranked = try await client.query(
                """
                SELECT b.rank_document::text AS document, b.visible_from = a.published_at AS visible
                FROM article_bodies b JOIN articles a ON a.id = b.article_id WHERE a.slug = 'kept'
                """,
                logger: logger
            ).first { (try $0["document"] as String) + (try $0["visible"] as Bool ? ", visible" : "") }
            #expect(ranked == "'deploy':5C 'excerpt':4B 'kept':2A 'kubernet':1A 'note':6C, visible")
            group.cancelAll()
        }
        withExtendedLifetime(fresh) {}
    }

    @Test func aDatabaseWithoutMigrationsIsNotReady() async throws {
        let fresh = try await PostgresTestServer.makeEmptyDatabase()
        let client = PostgresClient(
            configuration: fresh.location.clientConfiguration,
            backgroundLogger: PostgresTestServer.logger
        )
        let engine = PostgresEngine(client: client, logger: PostgresTestServer.logger)
        await withDiscardingTaskGroup { group in
            group.addTask { await client.run() }
            #expect(await engine.isReady() == false)
            group.cancelAll()
        }
        withExtendedLifetime(fresh) {}
    }

    @Test func preparedStatementsAreKeptPerTextAndParameterTypesAndAnswerForTheirOwnValues() async throws {
        let database = try await PostgresTestServer.makeDatabase()
        let logger = PostgresTestServer.logger
        let marker = "prepared-\(UUID().uuidString)"  // a text no other test prepares
        let answers = try await database.engine.client.withConnection { connection in
            var answers: [String] = []
            // Two statements alternated on one connection, each run with different values,
            // and one whose first run binds a null (its type inferred) and then a text.
            for round in 0..<3 {
                let doubled: SQLFragment = "SELECT (\(round) * 2)::text || \(marker) AS answer"
                let echoed: SQLFragment =
                    "SELECT coalesce(\(round == 0 ? nil : "r\(round)")::text, 'none') || \(marker) AS answer"
                for fragment in [doubled, echoed] {
                    answers.append(
                        try await connection.runPrepared(fragment, logger).first { try $0["answer"] as String } ?? ""
                    )
                }
            }
            let prepared = try await connection.run(
                "SELECT count(*) AS statements FROM pg_prepared_statements WHERE statement LIKE '%answer%'",
                logger
            ).first { try $0["statements"] as Int }
            answers.append("statements: \(prepared ?? 0)")
            return answers
        }
        let suffix = marker
        #expect(
            answers == [
                "0" + suffix, "none" + suffix, "2" + suffix, "r1" + suffix, "4" + suffix, "r2" + suffix,
                "statements: 3",
            ]
        )
    }

    @Test func aBoundedReadIsStoppedAtItsTimeoutAndTheConnectionServesOn() async throws {
        let database = try await PostgresTestServer.makeDatabase()
        let engine = database.engine
        await #expect(throws: StoreError.queryTimedOut(limit: .milliseconds(50))) {
            try await PostgresSearch.bounded(by: .milliseconds(50), on: engine) { connection in
                try await connection.run("SELECT pg_sleep(5) AS slept", PostgresTestServer.logger).first { _ in true }
            }
        }
        // Under a millisecond is still a limit (PostgreSQL's 0 would be none).
        await #expect(throws: StoreError.queryTimedOut(limit: .microseconds(10))) {
            try await PostgresSearch.bounded(by: .microseconds(10), on: engine) { connection in
                try await connection.run("SELECT pg_sleep(5) AS slept", PostgresTestServer.logger).first { _ in true }
            }
        }
        // The limit was the transaction's own: the next statement on the pool is not bound by it.
        let slept = try await PostgresSearch.bounded(by: .seconds(5), on: engine) { connection in
            try await connection.run("SELECT pg_sleep(0.2), 1 AS done", PostgresTestServer.logger)
                .first { try $0["done"] as Int }
        }
        #expect(slept == 1)
    }

    /// A backend ended in the middle of a transaction (a restart, a failover, an operator's
    /// `pg_terminate_backend`): the statements after it, and the ROLLBACK, fail as a lost
    /// server at once. PostgresNIO 1.33.2 drops a statement sent on a connection that has
    /// already closed without ever answering it, so this write used to wait for ever, holding
    /// its request, its pool slot and the instance's shutdown.
    @Test func aWriteWhoseBackendIsEndedFailsAtOnceAndTheEngineWritesOn() async throws {
        let database = try await PostgresTestServer.makeDatabase()
        let engine = database.engine
        let logger = PostgresTestServer.logger
        let failure = Mutex<(any Error)?>(nil)
        try await finishes(within: .seconds(10), "the write whose backend was ended") {
            do {
                try await engine.write(announcing: .content) { connection in
                    let backend = try await connection.query("SELECT pg_backend_pid() AS pid", logger: logger)
                        .first { try $0["pid"] as Int32 }
                    _ = try await engine.client.withConnection { other in
                        try await other.query("SELECT pg_terminate_backend(\(try #require(backend)))", logger: logger)
                    }
                    let ended = ContinuousClock.now
                    while !connection.isClosed && ContinuousClock.now - ended < .seconds(5) {
                        try await Task.sleep(for: .milliseconds(10))
                    }
                    try #require(connection.isClosed, "the server closed the connection")
                    try await connection.query("SELECT 1", logger: logger)
                }
                Issue.record("a statement on a closed connection was answered")
            } catch {
                failure.withLock { $0 = error }
            }
        }
        let error = try #require(failure.withLock { $0 })
        #expect(PostgresPool.looksLikeALostServer(error), "\(error)")
        #expect(PostgresFailures.failure(of: error) == .unavailable)
        // The pool let go of the closed connection: the next write has a live one.
        let written = try await engine.write(announcing: nil) { connection in
            try await connection.query("SELECT 7 AS seven", logger: logger).first { try $0["seven"] as Int }
        }
        #expect(written == 7)
    }

    /// A column a row lacks is an error, never a trap: PostgresNIO's row traps on an unknown
    /// name, which would end the process on one forgotten column in a statement.
    @Test func aColumnTheRowLacksThrowsInsteadOfEndingTheProcess() async throws {
        let database = try await PostgresTestServer.makeDatabase()
        let row = try #require(
            try await database.engine.client.withConnection { connection in
                try await connection.query("SELECT 1 AS one", logger: PostgresTestServer.logger).first { $0 }
            }
        )
        #expect(try row.integer("one") == 1)
        #expect(throws: MissingColumn.self) { try row.text("two") }
        #expect(throws: MissingColumn.self) { try row.time("created_at") }
        #expect(throws: MissingColumn.self) { _ = try row["two"] as Int }
    }

    /// A statement the driver never answers (as PostgresNIO never answers one whose write
    /// lost the race with the close) ends when its connection closes, and the closed
    /// connection is forgotten.
    @Test func aStatementNeverAnsweredEndsWhenItsConnectionCloses() async throws {
        let database = try await PostgresTestServer.makeDatabase()
        let engine = database.engine
        let logger = PostgresTestServer.logger
        let watch = ClosingConnections.shared
        let outcome = Mutex<String?>(nil)
        try await finishes(within: .seconds(10), "the statement on the closed connection") {
            do {
                try await engine.client.withConnection { connection in
                    let backend = try await connection.query("SELECT pg_backend_pid() AS pid", logger: logger)
                        .first { try $0["pid"] as Int32 }
                    #expect(watch.isWatching(connection.raw))
                    let never = Task {
                        try await watch.statement(on: connection.raw) {
                            try await Task.sleep(for: .seconds(3600))
                            return "answered"
                        }
                    }
                    _ = try await engine.client.withConnection { other in
                        try await other.query("SELECT pg_terminate_backend(\(try #require(backend)))", logger: logger)
                    }
                    do {
                        let answer = try await never.value
                        outcome.withLock { $0 = answer }
                    } catch is PostgresConnectionClosed {
                        outcome.withLock { $0 = "closed" }
                    }
                    #expect(!watch.isWatching(connection.raw), "a closed connection is forgotten")
                }
            } catch {
                Issue.record("\(error)")
            }
        }
        #expect(outcome.withLock { $0 } == "closed")
    }

    @Test func startUpEndsWithTheServersReasonAndNeverThePassword() async throws {
        let server = try PostgresLocation(url: try #require(PostgresTestServer.url))
        func failure(_ change: (inout PostgresLocation) -> Void) async -> String {
            var location = server
            location.password = "hunter2"
            change(&location)
            let configuration = AppConfiguration(databasePath: location.url)
            do {
                _ = try await DatabaseConnection.open(configuration, logger: PostgresTestServer.logger)
                return "opened"
            } catch {
                return "\(error)"
            }
        }
        let missing = await failure { $0.database = "masthead_no_such_database" }
        #expect(missing.contains("does not exist") && !missing.contains("hunter2"))
        let refused = await failure { $0.port = 1 }
        #expect(refused.contains("refused") && !refused.contains("hunter2") && !refused.contains("\n"))
    }

    /// What starts the pool's probe, and what the probe counts as the server being up: a
    /// refused connection is a lost server; a server that answers, even with an error, is not.
    @Test func onlyAnUnreachableServerIsTakenForAnOutage() async throws {
        let server = try PostgresLocation(url: try #require(PostgresTestServer.url))
        func probeError(_ change: (inout PostgresLocation) -> Void) async -> (any Error)? {
            var location = server
            change(&location)
            do {
                // Generous: on a loaded machine a connection can take seconds, and a probe
                // that times out is (rightly) taken for an outage.
                try await location.probe(logger: PostgresTestServer.logger, timeout: .seconds(60))
                return nil
            } catch {
                return error
            }
        }
        #expect(await probeError { _ in } == nil)
        let refused = try #require(await probeError { $0.port = 1 })
        #expect(PostgresPool.looksLikeALostServer(refused))
        #expect(!PostgresPool.serverAnswered(refused))
        let missing = try #require(await probeError { $0.database = "masthead_no_such_database" })
        #expect(!PostgresPool.looksLikeALostServer(missing), "\(String(reflecting: missing))")
        #expect(PostgresPool.serverAnswered(missing), "3D000 is the server answering: \(String(reflecting: missing))")
    }
}

@Suite struct PostgresPoolTests {
    /// Of the pool's own errors, only giving up on making connections says the server is
    /// gone: a wait for a connection cancelled (a `/readyz` check timing out under load) or a
    /// pool shut down (replaced) says nothing about it.
    @Test func ofThePoolsOwnErrorsOnlyTheCircuitBreakerIsAnOutage() {
        #expect(PostgresPool.looksLikeALostServer(ConnectionPoolError.connectionCreationCircuitBreakerTripped))
        #expect(!PostgresPool.looksLikeALostServer(ConnectionPoolError.requestCancelled))
        #expect(!PostgresPool.looksLikeALostServer(ConnectionPoolError.poolShutdown))
        #expect(!PostgresPool.looksLikeALostServer(PostgresUnreachable()))
        #expect(!PostgresPool.looksLikeALostServer(CancellationError()))
        // Every one of them is still a 503 to the client.
        #expect(PostgresFailures.failure(of: ConnectionPoolError.requestCancelled) == .unavailable)
    }
}
