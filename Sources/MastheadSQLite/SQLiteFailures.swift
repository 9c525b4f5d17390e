import GRDB
import MastheadStorage

/// SQLite's errors that are a `DatabaseFailure`: a full disk (`SQLITE_FULL`, which SQLite
/// reports after rolling the transaction back, so nothing it was writing is kept) and an I/O
/// error of the file system under the database.
package enum SQLiteFailures {
    package static func failure(of error: any Error) -> DatabaseFailure? {
        guard let error = error as? DatabaseError else { return nil }
        switch error.resultCode {
        case .SQLITE_FULL: return .full
        case .SQLITE_IOERR, .SQLITE_CANTOPEN: return .unavailable
        default: return nil
        }
    }
}
