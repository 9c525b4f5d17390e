import Foundation
import Logging
import MastheadDomain
import PostgresNIO

extension Timestamp {
    /// The instant as PostgreSQL's `timestamptz` takes it.
    package var date: Date { Date(timeIntervalSince1970: Double(secondsSinceEpoch)) }

    /// Stored times are whole seconds; anything finer is dropped.
    package init(_ date: Date) {
        self.init(secondsSinceEpoch: Int64(date.timeIntervalSince1970.rounded(.down)))
    }
}

/// One result row, read by column name.
package struct PGRow {
    package let row: PostgresRandomAccessRow

    package init(_ row: PostgresRow) {
        self.row = row.makeRandomAccess()
    }

    package subscript<Value: PostgresDecodable>(_ name: String, as type: Value.Type = Value.self) -> Value {
        get throws { try cell(name).decode(Value.self) }
    }

    package func time(_ name: String) throws -> Timestamp {
        Timestamp(try cell(name).decode(Date.self))
    }

    package func optionalTime(_ name: String) throws -> Timestamp? {
        try cell(name).decode(Date?.self).map(Timestamp.init)
    }

    /// A kind, stored as its name; any other text is a corrupt row.
    package func kind(_ name: String) throws -> ResourceKind {
        let text = try cell(name).decode(String.self)
        guard let kind = ResourceKind(rawValue: text) else { throw UnknownResourceKind(stored: text) }
        return kind
    }
}

extension PGRow {
    /// The column `name`: PostgresNIO traps on a name the row lacks, so a query that
    /// forgot a column would end the process; this throws instead.
    func cell(_ name: String) throws -> PostgresCell {
        guard row.contains(name) else { throw MissingColumn(name: name) }
        return row[name]
    }
}

/// A column a statement's rows do not have: a defect of ours, answered 500.
struct MissingColumn: Error, CustomStringConvertible {
    let name: String
    var description: String { "the row has no column '\(name)'" }
}

/// A stored kind that names no `ResourceKind`.
struct UnknownResourceKind: Error, CustomStringConvertible {
    let stored: String
    var description: String { "a stored resource kind '\(stored)' that this version does not know" }
}

extension AsyncSequence where Element == PostgresRow {
    /// Every row, read with `transform`.
    package func map<Value>(_ transform: (PGRow) throws -> Value) async throws -> [Value] {
        var values: [Value] = []
        for try await row in self { values.append(try transform(PGRow(row))) }
        return values
    }

    /// The first row, if any, read with `transform`.
    package func first<Value>(_ transform: (PGRow) throws -> Value) async throws -> Value? {
        for try await row in self { return try transform(PGRow(row)) }
        return nil
    }
}

extension Error {
    /// PostgreSQL refused a row that breaks a unique constraint (SQLSTATE 23505).
    package var isUniqueViolation: Bool {
        (self as? PSQLError)?.serverInfo?[.sqlState] == "23505"
    }
}
