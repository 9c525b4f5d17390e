import GRDB
import Synchronization

/// Content writes that arrive while another commit is under way are committed together, in
/// one transaction, in the order they arrived ("group commit").
///
/// SQLite has one writer, and most of a small write's cost is its commit: the search index
/// writes a new segment and merges old ones, and the log is appended and synced. Eight
/// clients posting articles at once paid that eight times; now they pay it about once.
///
/// Each write still succeeds or fails alone. Its caller resumes only after the transaction
/// holding it has committed, so read-after-write holds as before. When one write in a group
/// throws, the whole transaction is rolled back and every write of the group runs again in
/// its own transaction, so that an error (a taken slug, a stale revision) reaches only the
/// write it belongs to. Writes are closures over the database alone, so running one again
/// after a rollback does what running it once would have.
package final class GroupCommit: Sendable {
    /// A bound on one transaction's size, so that one group cannot hold the writer for long.
    package static let maximumGroup = 64

    private let writer: any DatabaseWriter
    private let state = Mutex(State())

    private struct State {
        package var waiting: [any QueuedWrite] = []
        package var committing = false
        /// Writes submitted and not yet answered, waiting or in the transaction under way.
        package var unanswered = 0
    }

    /// Writes submitted and not yet answered.
    package var unansweredWrites: Int { state.withLock { $0.unanswered } }

    package init(writer: any DatabaseWriter) {
        self.writer = writer
    }

    /// Runs `updates` in a transaction (shared with writes that arrive meanwhile) and returns
    /// its result once that transaction has committed.
    package func write<T: Sendable>(_ updates: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let queued = PendingWrite(updates: updates, continuation: continuation)
            let startsCommitting = state.withLock { state in
                state.waiting.append(queued)
                state.unanswered += 1
                guard !state.committing else { return false }
                state.committing = true
                return true
            }
            if startsCommitting {
                Task { await self.commitWaiting() }
            }
        }
    }

    /// Commits groups of waiting writes until none is left.
    private func commitWaiting() async {
        while true {
            let group: [any QueuedWrite] = state.withLock { state in
                let group = Array(state.waiting.prefix(Self.maximumGroup))
                state.waiting.removeFirst(group.count)
                if group.isEmpty { state.committing = false }
                return group
            }
            guard !group.isEmpty else { return }
            await commit(group)
            state.withLock { $0.unanswered -= group.count }
        }
    }

    private func commit(_ group: [any QueuedWrite]) async {
        if group.count > 1 {
            do {
                try await writer.write { db in
                    for write in group { try write.perform(db) }
                }
                for write in group { write.succeed() }
                return
            } catch {
                // Nothing of the group was committed; each write runs alone below.
            }
        }
        for write in group {
            do {
                try await writer.write { db in try write.perform(db) }
                write.succeed()
            } catch {
                write.fail(error)
            }
        }
    }
}

/// A write waiting for its turn, whatever its result type.
private protocol QueuedWrite: Sendable {
    /// Runs the write's updates and keeps their result.
    func perform(_ db: Database) throws
    /// Resumes the caller with the kept result (its transaction has committed).
    func succeed()
    func fail(_ error: any Error)
}

private final class PendingWrite<T: Sendable>: QueuedWrite {
    private let updates: @Sendable (Database) throws -> T
    private let continuation: CheckedContinuation<T, any Error>
    private let result = Mutex<T?>(nil)

    package init(updates: @escaping @Sendable (Database) throws -> T, continuation: CheckedContinuation<T, any Error>) {
        self.updates = updates
        self.continuation = continuation
    }

    package func perform(_ db: Database) throws {
        let value = try updates(db)
        result.withLock { $0 = value }
    }

    package func succeed() {
        guard let value = result.withLock({ $0.take() }) else {
            preconditionFailure("a write was acknowledged before it ran")
        }
        continuation.resume(returning: value)
    }

    package func fail(_ error: any Error) {
        continuation.resume(throwing: error)
    }
}
