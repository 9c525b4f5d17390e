import Logging
import PostgresNIO
import Synchronization
import _ConnectionPoolModule

/// The engine's connection pool, and whether the server can be reached at all.
///
/// PostgresNIO's pool retries a lost server with a growing back-off (a quarter of the
/// outage, up to a minute) and meanwhile queues every request, so after a restart or a
/// failover an instance answered nothing for the outage and then stayed unready for seconds
/// more. So a failure that looks like a lost server (`suspect`) starts a probe of its own:
/// one direct connection, tried every `probeInterval`. While it fails the server is
/// unreachable: requests are refused at once (`PostgresUnreachable`, a 503) instead of
/// queueing, and the pool is replaced so that what it had queued fails too. The first probe
/// that connects replaces the pool again, with no back-off left, and the server is reachable.
/// A suspicion the first probe disproves changes nothing.
public final class PostgresPool: Sendable {
    public enum Reachability: Sendable, Equatable {
        case reachable
        /// A failure looked like a lost server; the first probe is under way.
        case checking
        /// The probe could not connect; since when, on the continuous clock.
        case unreachable(since: ContinuousClock.Instant)
    }

    private struct State {
        package var client: PostgresClient
        package var running: Task<Void, Never>?
        /// Pools replaced, still closing.
        package var retiring: [Task<Void, Never>] = []
        package var reachability = Reachability.reachable
        package var probing: Task<Void, Never>?
        package var stopped = false
    }

    private let state: Mutex<State>
    /// A new pool, for replacing the current one; nil when the pool is run by its creator.
    private let makeClient: (@Sendable () -> PostgresClient)?
    /// Connects once, outside the pool, and closes.
    private let probe: @Sendable () async throws -> Void
    private let probeInterval: Duration
    private let logger: Logger

    /// A pool this object runs (`start`, `stop`) and may replace.
    public init(
        makeClient: @escaping @Sendable () -> PostgresClient,
        probe: @escaping @Sendable () async throws -> Void,
        probeInterval: Duration = .milliseconds(200),
        logger: Logger
    ) {
        self.state = Mutex(State(client: makeClient()))
        self.makeClient = makeClient
        self.probe = probe
        self.probeInterval = probeInterval
        self.logger = logger
    }

    /// A client its creator runs: never replaced, never refused.
    public init(running client: PostgresClient, logger: Logger) {
        self.state = Mutex(State(client: client))
        self.makeClient = nil
        self.probe = {}
        self.probeInterval = .seconds(1)
        self.logger = logger
    }

    public var client: PostgresClient { state.withLock { $0.client } }

    public var reachability: Reachability { state.withLock { $0.reachability } }

    /// The probe could not connect, and has not connected since.
    public var isUnreachable: Bool {
        if case .unreachable = reachability { true } else { false }
    }

    /// Throws `PostgresUnreachable` while the probe cannot connect.
    package func checkReachable() throws {
        if isUnreachable { throw PostgresUnreachable() }
    }

    /// Runs the pool, until `stop`.
    public func start() {
        guard makeClient != nil else { return }
        state.withLock { state in
            guard state.running == nil, !state.stopped else { return }
            let client = state.client
            state.running = Task { await client.run() }
        }
    }

    /// Closes the pool and stops probing; returns once every pool it ran has closed.
    public func stop() async {
        for task in close() { await task.value }
    }

    /// Starts closing the pool and stops probing; returns what is still closing.
    @discardableResult
    public func close() -> [Task<Void, Never>] {
        state.withLock { state in
            state.stopped = true
            state.probing?.cancel()
            state.running?.cancel()
            let tasks = state.retiring + [state.running, state.probing].compactMap { $0 }
            state.retiring = []
            return tasks
        }
    }

    /// `error` ended a request or the change feed: if it says the server was lost, find out
    /// whether it can be reached.
    package func suspect(_ error: any Error) {
        guard makeClient != nil, Self.looksLikeALostServer(error) else { return }
        state.withLock { state in
            guard state.reachability == .reachable, !state.stopped else { return }
            state.reachability = .checking
            state.probing = Task { [self] in await self.probeUntilReachable() }
        }
    }

    private func probeUntilReachable() async {
        while !Task.isCancelled {
            do {
                try await probe()
                recovered()
                return
            } catch  where Self.serverAnswered(error) {
                // Up, though it refused this connection (full, or a password being rotated):
                // not an outage, and the requests will say why.
                recovered()
                return
            } catch {
                unreachable(because: error)
            }
            try? await Task.sleep(for: probeInterval)
        }
    }

    /// The probe connected: reachable, and if it had been unreachable, on a new pool. The
    /// pool is replaced in the same step, so no request can take a connection from the old
    /// one as it closes.
    private func recovered() {
        // Only the probe moves the server out of `unreachable`, so this stays true below.
        let fresh = isUnreachable ? makeClient?() : nil
        let outage = state.withLock { state -> Duration? in
            defer { state.reachability = .reachable }
            guard case .unreachable(let since) = state.reachability, let fresh else { return nil }
            replace(&state, with: fresh)
            return ContinuousClock.now - since
        }
        if let outage {
            logger.notice(
                "The database is reachable again",
                metadata: ["unreachable_ms": "\(Int(outage / .milliseconds(1)))"]
            )
        }
    }

    /// The probe could not connect: if this is news, the server is unreachable from now and
    /// the pool is replaced, so that what it had queued fails at once.
    private func unreachable(because error: any Error) {
        guard let makeClient else { return }
        let began = state.withLock { state -> Bool in
            guard state.reachability == .checking else { return false }
            state.reachability = .unreachable(since: .now)
            return true
        }
        guard began else { return }
        let fresh = makeClient()
        state.withLock { replace(&$0, with: fresh) }
        logger.warning(
            "The database cannot be reached: requests that need it are answered 503 until it is back",
            metadata: ["reason": "\(PostgresEngine.describe(error))"]
        )
    }

    /// Runs `fresh` in place of the current pool, which closes: requests it queued fail, and
    /// the new one starts with no back-off.
    private func replace(_ state: inout State, with fresh: PostgresClient) {
        guard !state.stopped else { return }
        if let running = state.running {
            running.cancel()
            // Kept to be awaited at `stop`; a closed pool's task has ended long before.
            state.retiring = state.retiring.suffix(3) + [running]
        }
        state.client = fresh
        state.running = Task { await fresh.run() }
    }

    /// Errors that say the connection or the server went away, not that a query failed; of
    /// the pool's own errors, only that it gave up making connections (a request cancelled
    /// while waiting for one, or a pool shut down, says nothing about the server).
    package static func looksLikeALostServer(_ error: any Error) -> Bool {
        if error is PostgresUnreachable { return false }
        if error is PostgresConnectionClosed { return true }
        if let error = error as? PSQLError {
            if let state = error.serverInfo?[.sqlState] { return isLostServer(state) }
            switch error.code {
            case .connectionError, .serverClosedConnection, .uncleanShutdown: return true
            default: return false
            }
        }
        return (error as? ConnectionPoolError) == .connectionCreationCircuitBreakerTripped
    }

    /// The server answered, with an error that does not say it is going away.
    package static func serverAnswered(_ error: any Error) -> Bool {
        guard let state = (error as? PSQLError)?.serverInfo?[.sqlState] else { return false }
        return !isLostServer(state)
    }

    /// Connection exceptions (08xxx) and the server shutting down or starting up (57P01–57P03).
    package static func isLostServer(_ sqlState: String) -> Bool {
        sqlState.hasPrefix("08") || ["57P01", "57P02", "57P03"].contains(sqlState)
    }
}

/// Refused without trying: the server could not be reached a moment ago, and the probe has
/// not connected since.
package struct PostgresUnreachable: Error, CustomStringConvertible {
    package var description: String { "the database server cannot be reached" }
}

/// The engine's way to the server: the current pool's connections, refused at once while
/// the server is unreachable. Failures that look like a lost server start the pool's probe.
/// Every statement runs on a `PGConnection`, so none waits for ever on a closed one.
public struct PostgresConnections: Sendable {
    package let pool: PostgresPool

    public func withConnection<Result>(
        _ closure: (PGConnection) async throws -> sending Result
    ) async throws -> sending Result {
        var closedOnLease = 0
        while true {
            try pool.checkReachable()
            do {
                return try await pool.client.withConnection { connection in
                    // The server ended this connection a moment ago, and the pool lent it
                    // before hearing of it: NIO marks a channel inactive at once but completes
                    // its close future, the pool's only news of it, a little later (seen once
                    // in a full parallel test run, right after a pg_terminate_backend).
                    // Nothing has been sent on it. It goes back once the close is complete,
                    // when the pool, whose handler runs first, has forgotten it.
                    guard !connection.isClosed else {
                        try? await connection.closeFuture.get()
                        throw ClosedOnLease()
                    }
                    return try await closure(PGConnection(connection))
                }
            } catch is ClosedOnLease {
                closedOnLease += 1
                guard closedOnLease < Self.closedLeasesAllowed else {
                    pool.suspect(PostgresConnectionClosed())
                    throw PostgresConnectionClosed()
                }
            } catch {
                pool.suspect(error)
                throw error
            }
        }
    }

    /// How many closed connections one request takes from the pool, each given back unused,
    /// before it fails as a lost server.
    private static let closedLeasesAllowed = 3

    private struct ClosedOnLease: Error {}

    /// Runs `closure` in one transaction: committed when it returns, rolled back when it
    /// throws, whose error is rethrown as it is (not wrapped, as PostgresNIO's own
    /// `withTransaction` does). PostgresNIO's helper is not used because it sends its ROLLBACK
    /// past `PGConnection`, where one on a closed connection waits for ever. A connection
    /// already closed is not asked to roll back; one that could not roll back is closed, so
    /// that the pool never lends a connection still inside this transaction. A COMMIT ended
    /// by a lost connection may or may not have committed: the caller sees a lost server.
    public func withTransaction<Result>(
        logger: Logger,
        _ closure: (PGConnection) async throws -> sending Result
    ) async throws -> sending Result {
        try await withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let result = try await closure(connection)
                try await connection.query("COMMIT", logger: logger)
                return result
            } catch {
                if !connection.isClosed {
                    do {
                        try await connection.query("ROLLBACK", logger: logger)
                    } catch {
                        try? await connection.raw.close()
                    }
                }
                throw error
            }
        }
    }

    /// Runs one statement on a connection of its own, and reads every row before giving the
    /// connection back: for small answers.
    @discardableResult
    public func query(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRows {
        try await withConnection { connection in
            var rows: [PostgresRow] = []
            for try await row in try await connection.query(query, logger: logger) { rows.append(row) }
            return .read(rows)
        }
    }
}
