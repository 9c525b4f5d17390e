import GRDB
import MastheadDomain

/// Times are stored as their canonical RFC 3339 UTC text, so SQL compares and sorts them as
/// text and they read back as the same instant.
extension Timestamp: DatabaseValueConvertible {
    public var databaseValue: DatabaseValue { rfc3339.databaseValue }

    public static func fromDatabaseValue(_ dbValue: DatabaseValue) -> Timestamp? {
        String.fromDatabaseValue(dbValue).flatMap { Timestamp(rfc3339: $0) }
    }
}
