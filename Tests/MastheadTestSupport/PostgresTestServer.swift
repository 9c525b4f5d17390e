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

    /// A new, empty database on the server with the migrations applied; its client runs as
    /// long as the returned database is alive.
    package static func makeDatabase() async throws -> PostgresTestDatabase {
        try await PostgresTestDatabase(location: try await makeEmptyDatabase())
    }

    /// A new database on the server with nothing in it, not even migrations.
    package static func makeEmptyDatabase() async throws -> PostgresLocation {
        let server = try PostgresLocation(url: try #require(url))
        let name = "masthead_test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let admin = PostgresClient(configuration: server.clientConfiguration, backgroundLogger: logger)
        try await withThrowingDiscardingTaskGroup { group in
            group.addTask { await admin.run() }
            // A database name cannot be a parameter; this one is made above from a UUID.
            try await admin.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
            group.cancelAll()
        }
        var location = server
        location.database = name
        // Many tests run at once, each with a pool or two: a few connections each keep the
        // server under its max_connections.
        location.maximumConnections = 4
        return location
    }
}

/// One test's database: a running client and the engine over it. The client stops when the
/// test lets go of it; the database stays on the throw-away server.
package final class PostgresTestDatabase: Sendable {
    package let engine: PostgresEngine
    package let location: PostgresLocation
    private let running: Task<Void, Never>

    package init(location: PostgresLocation) async throws {
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
        running.cancel()
    }
}
