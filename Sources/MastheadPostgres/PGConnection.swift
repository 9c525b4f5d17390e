import Logging
import PostgresNIO
import Synchronization

/// A pooled connection whose statements end when it closes.
///
/// PostgresNIO (1.33.2) sends a statement by writing it to the connection's channel and waits
/// for the answer, not for the write. Once the channel has closed, that write is dropped and
/// the statement is never answered nor failed. So after the server ended a backend (a restart,
/// a failover, `pg_terminate_backend`), the next statement on its connection, and the
/// ROLLBACK after the failure it caused, waited for ever: a request, a pool slot and the
/// instance's shutdown with them. Every statement Masthead runs goes through this type: one on
/// a connection already closed fails at once, and one sent as the connection closes fails when
/// it has closed (`ClosingConnections`), with `PostgresConnectionClosed`, a lost server.
public struct PGConnection: Sendable {
    package let raw: PostgresConnection

    package init(_ raw: PostgresConnection) {
        self.raw = raw
    }

    public var isClosed: Bool { raw.isClosed }

    @discardableResult
    public func query(_ query: PostgresQuery, logger: Logger) async throws -> PostgresRowSequence {
        try await ClosingConnections.shared.statement(on: raw) { [raw] in
            try await raw.query(query, logger: logger)
        }
    }

    /// Runs a prepared statement, preparing it on this connection the first time.
    package func execute<Statement: PostgresPreparedStatement>(
        _ statement: Statement,
        logger: Logger
    ) async throws -> AsyncThrowingMapSequence<PostgresRowSequence, Statement.Row> {
        try await ClosingConnections.shared.statement(on: raw) { [raw] in
            HandedOver(try await raw.execute(statement, logger: logger))
        }.value
    }

    /// Listens on `channel` for as long as `consume` runs. (A closed connection fails this
    /// one by itself: PostgresNIO waits for its write.)
    package func listen<Value>(
        on channel: String,
        consume: (PostgresNotificationSequence) async throws -> Value
    ) async throws -> Value {
        try await raw.listen(on: channel, consume: consume)
    }
}

/// The connection closed before its statement was answered: the server went away, or ended
/// this backend.
package struct PostgresConnectionClosed: Error, CustomStringConvertible {
    package var description: String { "the database server closed the connection" }
}

/// A value moved from the task that made it to the one task waiting for it, and never
/// touched by the first again: not shared, so not a data race.
private struct HandedOver<Value>: @unchecked Sendable {
    package let value: Value
    package init(_ value: Value) { self.value = value }
}

/// The statements waiting on each open connection, so that its closing can end them.
///
/// A statement runs in a task of its own while its caller waits for whichever comes first:
/// the answer, or the connection's close. Usually the answer. When the close comes first
/// the task is left waiting for an answer that never comes; that happens only to a statement
/// sent in the instant its connection closed, since one sent later is refused before it runs.
/// Each connection's close is watched once, from its first statement, and forgotten once it
/// has closed, so what is kept is bounded by the open connections and their statements.
///
/// The task runs on the connection's event loop, where PostgresNIO writes the statement
/// without another hop and the answer arrives: with the task on the global executor, reads
/// that missed the cache on PostgreSQL were 8–12% slower (wrk, 16 connections); on the loop
/// they are as fast as before, within the noise.
package final class ClosingConnections: Sendable {
    package static let shared = ClosingConnections()

    private typealias Ending = @Sendable (any Error) -> Void

    /// An open connection's waiting statements. The connection is held until it has closed,
    /// so its identifier names no other connection meanwhile.
    private struct Watched {
        package let connection: PostgresConnection
        /// Where its statements' tasks run: made once per connection, not per statement.
        package let executor: LoopExecutor
        package var endings: [UInt64: Ending] = [:]
    }

    private struct State {
        package var nextTicket: UInt64 = 0
        package var watched: [ObjectIdentifier: Watched] = [:]
    }

    private let state = Mutex(State())

    /// Runs `statement` on `connection`, and fails with `PostgresConnectionClosed` if the
    /// connection is closed or closes before the statement is answered.
    package func statement<Value: Sendable>(
        on connection: PostgresConnection,
        _ statement: @escaping @Sendable () async throws -> Value
    ) async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let answer = Answer(continuation)
            guard let (ticket, executor) = wait(on: connection, ending: { answer.resume(with: .failure($0)) }) else {
                answer.resume(with: .failure(PostgresConnectionClosed()))
                return
            }
            Task(executorPreference: executor) {
                let result: Result<Value, any Error>
                if connection.isClosed {
                    result = .failure(PostgresConnectionClosed())
                } else {
                    do { result = .success(try await statement()) } catch { result = .failure(error) }
                }
                self.stopWaiting(on: connection, ticket)
                answer.resume(with: result)
            }
        }
    }

    /// A ticket for a statement on `connection` and the executor on its event loop, or nil
    /// when it has closed. The close cannot
    /// slip between the check and the ticket: the watch's callback takes the same lock, and
    /// runs only after `isClosed` has turned true.
    private func wait(
        on connection: PostgresConnection,
        ending: @escaping Ending
    ) -> (ticket: UInt64, executor: LoopExecutor)? {
        let key = ObjectIdentifier(connection)
        let taken = state.withLock { state -> (ticket: UInt64, executor: LoopExecutor, isFirst: Bool)? in
            guard !connection.isClosed else { return nil }
            state.nextTicket += 1
            let isFirst = state.watched[key] == nil
            if isFirst {
                state.watched[key] = Watched(connection: connection, executor: LoopExecutor(connection.eventLoop))
            }
            state.watched[key]!.endings[state.nextTicket] = ending
            return (state.nextTicket, state.watched[key]!.executor, isFirst)
        }
        guard let taken else { return nil }
        if taken.isFirst {
            connection.closeFuture.whenComplete { [self] _ in closed(key) }
        }
        return (taken.ticket, taken.executor)
    }

    private func stopWaiting(on connection: PostgresConnection, _ ticket: UInt64) {
        state.withLock { state in
            let key = ObjectIdentifier(connection)
            state.watched[key]?.endings[ticket] = nil
        }
    }

    /// Ends what still waits on the connection that has closed, and forgets it.
    private func closed(_ key: ObjectIdentifier) {
        guard let watched = state.withLock({ $0.watched.removeValue(forKey: key) }) else { return }
        for ending in watched.endings.values { ending(PostgresConnectionClosed()) }
    }

    /// Whether `connection`'s close is watched: from its first statement until it has closed.
    package func isWatching(_ connection: PostgresConnection) -> Bool {
        state.withLock { $0.watched[ObjectIdentifier(connection)] != nil }
    }
}

/// A continuation resumed by whichever of its two callers comes first.
private final class Answer<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value, any Error>?>

    package init(_ continuation: CheckedContinuation<Value, any Error>) {
        self.continuation = Mutex(continuation)
    }

    package func resume(with result: Result<Value, any Error>) {
        continuation.withLock { $0.take() }?.resume(with: result)
    }
}

/// Runs a task's jobs on one event loop.
private final class LoopExecutor: TaskExecutor {
    package let loop: any EventLoop

    package init(_ loop: any EventLoop) {
        self.loop = loop
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        loop.execute { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
