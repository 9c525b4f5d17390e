import Logging
import PostgresNIO
import Synchronization

/// The statements Masthead runs all the time (an article by slug, a page of a list, its tags)
/// are prepared once per connection and afterwards only bound and executed. PostgreSQL parses
/// and plans an unnamed statement on every run, and for a one-row read that costs twice the
/// read itself: an article read went from 1.17 to 0.38 ms with pgbench (`-M extended` against
/// `-M prepared`, one client, 10,000 articles).
///
/// PostgresNIO prepares a statement on a connection the first time it is executed there and
/// keeps it by name, but takes the name and text from a type (`PostgresPreparedStatement`'s
/// static `name` and `sql`), while our statements are composed at run time. So the one
/// statement type reads them from a task-local value, bound around `execute`, which reads them
/// in the calling task to build its request. Each distinct text (with its parameter types) gets
/// a name for the life of the process, the same on every connection.
///
/// Searches are never prepared: their text changes with the query's terms, and a plan made for
/// one tsquery is a bad plan for the next.
package struct PreparedFragment: PostgresPreparedStatement {
    package typealias Row = PostgresRow

    package struct Shape: Hashable, Sendable {
        package let sql: String
        package let types: [PostgresDataType]
    }

    @TaskLocal private static var current: (name: String, sql: String, types: [PostgresDataType])?

    package static var name: String { current?.name ?? "masthead_statement_missing" }
    // Outside `run` (never, as PostgresNIO reads these today) the statement fails to parse.
    package static var sql: String { current?.sql ?? "SELECT masthead_statement_text_missing()" }
    package static var bindingDataTypes: [PostgresDataType] { current?.types ?? [] }

    package let bindings: PostgresBindings

    package func makeBindings() throws -> PostgresBindings { bindings }
    package func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }

    /// At most this many distinct statements are prepared; any further one runs unnamed, so no
    /// connection holds an unbounded number of plans.
    package static let capacity = 256

    private static let names = Mutex<[Shape: String]>([:])

    /// The name of `shape`'s prepared statement, or nil when `capacity` names are taken.
    package static func name(for shape: Shape) -> String? {
        names.withLock { names in
            if let name = names[shape] { return name }
            guard names.count < capacity else { return nil }
            let name = "masthead_\(names.count + 1)"
            names[shape] = name
            return name
        }
    }

    /// Runs `fragment` as a prepared statement on `connection`.
    package static func run(_ fragment: SQLFragment, on connection: PGConnection, _ logger: Logger) async throws
        -> PostgresRows
    {
        let (query, types) = fragment.statement
        let shape = Shape(sql: query.sql, types: types)
        guard let name = name(for: shape) else {
            return .unnamed(try await connection.query(query, logger: logger))
        }
        return try await $current.withValue((name, query.sql, types)) {
            .prepared(try await connection.execute(PreparedFragment(bindings: query.binds), logger: logger))
        }
    }
}

/// The rows of a statement, prepared or not, streamed or already read.
public enum PostgresRows: AsyncSequence {
    public typealias Element = PostgresRow

    case unnamed(PostgresRowSequence)
    case prepared(AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow>)
    /// Every row, read before the connection was given back.
    case read([PostgresRow])

    public struct AsyncIterator: AsyncIteratorProtocol {
        fileprivate var unnamed: PostgresRowSequence.AsyncIterator?
        fileprivate var prepared: AsyncThrowingMapSequence<PostgresRowSequence, PostgresRow>.AsyncIterator?
        fileprivate var read: IndexingIterator<[PostgresRow]>?

        public mutating func next() async throws -> PostgresRow? {
            if unnamed != nil { return try await unnamed?.next() }
            if prepared != nil { return try await prepared?.next() }
            return read?.next()
        }
    }

    public func makeAsyncIterator() -> AsyncIterator {
        switch self {
        case .unnamed(let rows): AsyncIterator(unnamed: rows.makeAsyncIterator())
        case .prepared(let rows): AsyncIterator(prepared: rows.makeAsyncIterator())
        case .read(let rows): AsyncIterator(read: rows.makeIterator())
        }
    }
}
