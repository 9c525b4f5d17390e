import Foundation
import Logging
import Masthead
import MastheadDomain
import MastheadPostgres
import PostgresNIO
import Testing

/// The PostgreSQL server the tests may use: `MASTHEAD_TEST_POSTGRES_URL` names it (CI starts
/// a throw-away cluster, see `.ci/run`). Without it the PostgreSQL tests are skipped, and say
/// so; with `MASTHEAD_REQUIRE_POSTGRES=1` (as in CI) that skip is a failure.
package enum PostgresTestServer {
    package static var url: String? {
        ProcessInfo.processInfo.environment["MASTHEAD_TEST_POSTGRES_URL"].flatMap { $0.isEmpty ? nil : $0 }
    }

    package static var isConfigured: Bool { url != nil }

    package static var isRequired: Bool { ProcessInfo.processInfo.environment["MASTHEAD_REQUIRE_POSTGRES"] == "1" }

    /// Errors only: a client whose `run()` starts a moment after its first query warns about
    /// it, which says nothing about the test.
    package static let logger: Logger = {
        var logger = Logger(label: "postgres-tests")
        logger.logLevel = .error
        return logger
    }()

    /// A new database on the server with the migrations applied; its client runs, and the
    /// database stays, as long as the returned database is alive.
    package static func makeDatabase() async throws -> PostgresTestDatabase {
        let scratch = try await makeEmptyDatabase()
        return try await PostgresTestDatabase(location: scratch.location, owning: scratch)
    }

    /// A new database on the server with nothing in it, not even migrations, dropped when
    /// the test lets go of it.
    package static func makeEmptyDatabase() async throws -> ScratchDatabase {
        let name = "masthead_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        var version: Int32 = 0
        try await administer { admin in
            version = try await serverVersion(admin)
            // FILE_COPY (PostgreSQL 15 and later) copies the template's files instead of
            // writing them all to the write-ahead log: a run makes a few hundred databases.
            let strategy = version >= 150_000 ? " STRATEGY = FILE_COPY" : ""
            // A database name cannot be a parameter; this one is made above from a UUID.
            try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)\(strategy)"), logger: logger)
        }
        var location = try PostgresLocation(url: try #require(url))
        location.database = name
        // Many tests run at once, each with a pool or two: a few connections each keep the
        // server under its max_connections.
        location.maximumConnections = 4
        // FORCE (PostgreSQL 13 and later) ends what is still connected to it.
        return ScratchDatabase(location: location, dropsWithForce: version >= 130_000)
    }

    /// The server's version as a number (150004 for 15.4).
    static func serverVersion(_ admin: PostgresClient) async throws -> Int32 {
        try await admin.query("SELECT current_setting('server_version_num')::int AS v", logger: logger)
            .first { try $0["v"] as Int32 } ?? 0
    }

    /// Runs `body` with a client of its own on the server's own database.
    static func administer(_ body: (PostgresClient) async throws -> Void) async throws {
        let server = try PostgresLocation(url: try #require(url))
        let admin = PostgresClient(configuration: server.clientConfiguration, backgroundLogger: logger)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await admin.run() }
            try await body(admin)
            group.cancelAll()
        }
    }
}

/// One test's database on the test server, dropped (with whatever is still connected to it)
/// once the test lets go of it, as a `TemporaryFolder` is deleted. A run makes about 190 of
/// about 8 MB each; kept, they filled a developer's server (51 GB over a few weeks), and a
/// full disk stops the server under every test at once.
package final class ScratchDatabase: Sendable {
    package let location: PostgresLocation
    private let dropsWithForce: Bool

    /// The URL `--db` takes.
    package var url: String { location.url }

    init(location: PostgresLocation, dropsWithForce: Bool) {
        self.location = location
        self.dropsWithForce = dropsWithForce
    }

    deinit {
        let name = location.database
        let force = dropsWithForce ? " WITH (FORCE)" : ""
        Task.detached {
            do {
                try await PostgresTestServer.administer { admin in
                    try await admin.query(
                        PostgresQuery(unsafeSQL: "DROP DATABASE IF EXISTS \(name)\(force)"),
                        logger: PostgresTestServer.logger
                    )
                }
            } catch {
                print("ScratchDatabase: \(name) was not dropped: \(String(reflecting: error))")
            }
        }
    }
}

/// A test's database: a running client and the engine over it. The client stops when the
/// test lets go of it, and then the database is dropped if this owns it.
package final class PostgresTestDatabase: Sendable {
    package let engine: PostgresEngine
    package let location: PostgresLocation
    private let running: Task<Void, Never>
    private let scratch: ScratchDatabase?

    /// A client on `location`, migrated; when it owns the database (`owning`), the database
    /// is dropped once the client has stopped.
    package init(location: PostgresLocation, owning scratch: ScratchDatabase? = nil) async throws {
        self.scratch = scratch
        let client = PostgresClient(
            configuration: location.clientConfiguration,
            backgroundLogger: PostgresTestServer.logger
        )
        self.location = location
        self.running = Task { await client.run() }
        self.engine = PostgresEngine(client: client, logger: PostgresTestServer.logger)
        try await engine.migrate()
    }

    deinit {
        let (running, scratch) = (running, scratch)
        running.cancel()
        // The drop waits for the client to let go of its connections.
        Task.detached {
            await running.value
            withExtendedLifetime(scratch) {}
        }
    }
}
