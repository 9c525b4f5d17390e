import Foundation
import Logging
import MastheadDomain
import MastheadMigrations
import MastheadStorage
import PostgresNIO

/// The PostgreSQL engine's database: a pooled `PostgresClient` (`PostgresPool`, run by the
/// application as a service, and replaced when the server comes back after an outage) and its
/// migrations. Several instances share one database, so migrating takes an
/// advisory lock: ten instances starting at once migrate once, the others wait and find
/// nothing left to do.
public struct PostgresEngine: DatabaseStatus {
    public let pool: PostgresPool
    package let logger: Logger
    /// This instance, in the changes it announces, so that it does not act on its own.
    package let instance = UUID().uuidString
    /// Public lists' totals, kept between content writes (the dearest part of a list page on
    /// this engine); dropped by every content write and every change heard.
    package let listCounts = ListCounts()

    /// The channel instances announce their writes on (`PostgresChangeFeed`).
    package static let changeChannel = "masthead_changes"

    /// The lock every migrating instance takes, in the transaction that migrates:
    /// "masthead" in ASCII, so no other application's key is likely to collide.
    package static let migrationLock: Int64 = 0x6D61_7374_6865_6164
    /// The lock an import takes, so that two never fill one empty database together.
    package static let importLock: Int64 = 0x6D61_7374_6865_6164 + 1
    /// The lock making the first token, so that instances starting together make one.
    package static let firstTokenLock: Int64 = 0x6D61_7374_6865_6164 + 2

    public init(pool: PostgresPool, logger: Logger) {
        self.pool = pool
        self.logger = logger
    }

    /// An engine over a client its creator runs.
    public init(client: PostgresClient, logger: Logger) {
        self.init(pool: PostgresPool(running: client, logger: logger), logger: logger)
    }

    /// The server's connections, refused at once while it cannot be reached.
    public var client: PostgresConnections { PostgresConnections(pool: pool) }

    /// Applies the migrations this database lacks, each in the one transaction that holds the
    /// lock, and returns every applied identifier in order.
    @discardableResult
    public func migrate() async throws -> [String] {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(Self.migrationLock))", logger: logger)
            try await connection.query(
                """
                CREATE TABLE IF NOT EXISTS masthead_migrations (
                    identifier text PRIMARY KEY,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """,
                logger: logger
            )
            var applied: [String] = []
            for try await identifier in try await connection.query(
                "SELECT identifier FROM masthead_migrations ORDER BY identifier",
                logger: logger
            ).decode(String.self) {
                applied.append(identifier)
            }
            for migration in MastheadMigrations.postgreSQL where !applied.contains(migration.identifier) {
                for statement in SQLScript.statements(in: migration.sql) {
                    try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.query(
                    "INSERT INTO masthead_migrations (identifier) VALUES (\(migration.identifier))",
                    logger: logger
                )
                applied.append(migration.identifier)
            }
            return applied
        }
    }

    /// Runs `body` in one transaction on one pooled connection: committed when it returns,
    /// rolled back when it throws, whose error is rethrown as it is. With `change`, the
    /// transaction announces itself to the other instances as it commits. A unique constraint
    /// that a concurrent write won is a 409, as the slug check would have said.
    package func write<Result: Sendable>(
        announcing change: SharedChange?,
        _ body: (PGConnection) async throws -> Result
    ) async throws -> Result {
        let logger = logger
        let payload = change.map { "\(instance) \($0 == .counts ? "counts" : "content")" }
        // Committed or not (a COMMIT cut off may have committed), kept totals may be wrong now.
        defer { if change == .content { listCounts.invalidate() } }
        do {
            return try await client.withTransaction(logger: logger) { connection in
                let result = try await body(connection)
                if let payload {
                    try await connection.query("SELECT pg_notify(\(Self.changeChannel), \(payload))", logger: logger)
                }
                return result
            }
        } catch let error where error.isUniqueViolation {
            throw StoreError.conflict(
                code: "slug_taken",
                detail: "Another write took that slug at the same moment; choose another or try again."
            )
        }
    }

    /// How long `/readyz` waits for the database before saying it is not ready.
    package static let readinessTimeout: Duration = .seconds(2)

    /// The database answers within `readinessTimeout`, and every migration this binary
    /// knows is applied. Not while the server is known to be unreachable: that is said at once.
    public func isReady() async -> Bool {
        if pool.isUnreachable { return false }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { await migrationsApplied() }
            group.addTask {
                try? await Task.sleep(for: Self.readinessTimeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    private func migrationsApplied() async -> Bool {
        do {
            let applied = try await client.query("SELECT count(*) AS applied FROM masthead_migrations", logger: logger)
                .first { try $0["applied"] as Int }
            return applied == MastheadMigrations.postgreSQL.count
        } catch {
            return false
        }
    }

    /// Lock waits and the write-ahead log belong to the server, which reports them itself.
    public var counts: DatabaseCounts {
        DatabaseCounts(busyRetries: 0, walBytes: 0, walCheckpoints: 0)
    }
}

/// A migration file cut into statements: PostgreSQL's extended query protocol runs one
/// statement per query. Semicolons inside quotes, dollar quotes and comments do not cut.
package enum SQLScript {
    package static func statements(in script: String) -> [String] {
        var statements: [String] = []
        var current = ""
        var characters = Array(script)[...]
        func flush() {
            let statement = current.trimmingCharacters(in: .whitespacesAndNewlines)
            if !statement.isEmpty { statements.append(statement) }
            current = ""
        }
        while let character = characters.popFirst() {
            switch character {
            case "-" where characters.first == "-":
                // A comment runs to the end of the line.
                while let next = characters.popFirst(), next != "\n" {}
                current.append("\n")
            case "'", "\"":
                current.append(character)
                while let next = characters.popFirst() {
                    current.append(next)
                    if next == character { break }
                }
            case "$":
                // $tag$ … $tag$
                var tag = "$"
                while let next = characters.first, next == "_" || next.isLetter || next.isNumber {
                    tag.append(next)
                    characters.removeFirst()
                }
                guard characters.first == "$" else {
                    current += tag
                    continue
                }
                characters.removeFirst()
                tag.append("$")
                current += tag
                var body = ""
                while let next = characters.popFirst() {
                    body.append(next)
                    if body.hasSuffix(tag) { break }
                }
                current += body
            case ";":
                flush()
            default:
                current.append(character)
            }
        }
        flush()
        return statements
    }
}
