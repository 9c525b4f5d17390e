import Dispatch
import GRDB
import GRDBSQLite
import MastheadDomain

/// A time limit for the statements of one read: SQLite's progress handler looks at the
/// clock every few thousand virtual-machine steps and interrupts a statement that has run
/// past its deadline. So a query that would take seconds (a search over most of the
/// catalogue) frees its reader at once instead of holding it, and the caller learns why.
package struct StatementBudget: Sendable {
    package let limit: Duration

    /// VM steps between two looks at the clock: some tens of microseconds of work, against
    /// a few tens of nanoseconds per look.
    private static let stepsBetweenChecks: Int32 = 1000

    /// Runs `body` on `db` with the budget in force; throws `StoreError.queryTimedOut`
    /// when it ran out.
    package func run<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        let deadline = UnsafeMutablePointer<UInt64>.allocate(capacity: 1)
        deadline.initialize(to: monotonicNanoseconds() &+ UInt64(limit.nanoseconds))
        sqlite3_progress_handler(
            db.sqliteConnection,
            Self.stepsBetweenChecks,
            { context in
                guard let context else { return 0 }
                return monotonicNanoseconds() > context.load(as: UInt64.self) ? 1 : 0
            },
            deadline
        )
        defer {
            sqlite3_progress_handler(db.sqliteConnection, 0, nil, nil)
            deadline.deallocate()
        }
        do {
            return try body()
        } catch let error as DatabaseError where error.resultCode == .SQLITE_INTERRUPT {
            throw StoreError.queryTimedOut(limit: limit)
        }
    }
}

/// Nanoseconds on the monotonic clock.
private func monotonicNanoseconds() -> UInt64 {
    DispatchTime.now().uptimeNanoseconds
}
