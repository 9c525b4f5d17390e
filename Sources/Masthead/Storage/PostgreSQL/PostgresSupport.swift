import Foundation
import Logging
import MastheadDomain
import PostgresNIO

extension Timestamp {
    /// The instant as PostgreSQL's `timestamptz` takes it.
    var date: Date { Date(timeIntervalSince1970: Double(secondsSinceEpoch)) }

    /// Stored times are whole seconds; anything finer is dropped.
    init(_ date: Date) {
        self.init(secondsSinceEpoch: Int64(date.timeIntervalSince1970.rounded(.down)))
    }
}

/// One result row, read by column name.
struct PGRow {
    let row: PostgresRandomAccessRow

    init(_ row: PostgresRow) {
        self.row = row.makeRandomAccess()
    }

    subscript<Value: PostgresDecodable>(_ name: String, as type: Value.Type = Value.self) -> Value {
        get throws { try row[name].decode(Value.self) }
    }

    func time(_ name: String) throws -> Timestamp {
        Timestamp(try row[name].decode(Date.self))
    }

    func optionalTime(_ name: String) throws -> Timestamp? {
        try row[name].decode(Date?.self).map(Timestamp.init)
    }
}

extension AsyncSequence where Element == PostgresRow {
    /// Every row, read with `transform`.
    func map<Value>(_ transform: (PGRow) throws -> Value) async throws -> [Value] {
        var values: [Value] = []
        for try await row in self { values.append(try transform(PGRow(row))) }
        return values
    }

    /// The first row, if any, read with `transform`.
    func first<Value>(_ transform: (PGRow) throws -> Value) async throws -> Value? {
        for try await row in self { return try transform(PGRow(row)) }
        return nil
    }
}

extension Error {
    /// PostgreSQL refused a row that breaks a unique constraint (SQLSTATE 23505).
    var isUniqueViolation: Bool {
        (self as? PSQLError)?.serverInfo?[.sqlState] == "23505"
    }
}
