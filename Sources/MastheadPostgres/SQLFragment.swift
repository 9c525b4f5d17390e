import MastheadDomain
import PostgresNIO

/// A piece of a PostgreSQL statement and the values bound in it. Pieces are built with
/// string interpolation (a value becomes a parameter, never text), joined like strings, and
/// become one `PostgresQuery` at the end, its parameters numbered `$1`, `$2`… in order.
/// `unescaped:` text is SQL written in this code, never input.
package struct SQLFragment: ExpressibleByStringInterpolation, Sendable {
    fileprivate enum Part: Sendable {
        case text(String)
        /// Binds a value and says its type (`.null` for a null, whose type PostgreSQL infers).
        case value(@Sendable (inout PostgresBindings) -> PostgresDataType)
    }

    fileprivate var parts: [Part]

    package init(stringLiteral text: String) {
        parts = [.text(text)]
    }

    package init(stringInterpolation: StringInterpolation) {
        parts = stringInterpolation.parts
    }

    package struct StringInterpolation: StringInterpolationProtocol {
        fileprivate var parts: [Part] = []

        package init(literalCapacity: Int, interpolationCount: Int) {}

        package mutating func appendLiteral(_ literal: String) {
            parts.append(.text(literal))
        }

        package mutating func appendInterpolation<Value: PostgresDynamicTypeEncodable & Sendable>(_ value: Value) {
            parts.append(
                .value { bindings in
                    bindings.append(value)
                    return value.psqlType
                }
            )
        }

        package mutating func appendInterpolation<Value: PostgresDynamicTypeEncodable & Sendable>(_ value: Value?) {
            parts.append(
                .value { bindings in
                    guard let value else {
                        bindings.appendNull()
                        return .null
                    }
                    bindings.append(value)
                    return value.psqlType
                }
            )
        }

        package mutating func appendInterpolation(_ time: Timestamp) {
            appendInterpolation(time.date)
        }

        package mutating func appendInterpolation(_ time: Timestamp?) {
            appendInterpolation(time?.date)
        }

        /// A detail's value, bound as its column's type (`DetailValue.Kind`).
        package mutating func appendInterpolation(_ detail: DetailValue?) {
            switch detail {
            case nil: appendInterpolation(nil as String?)
            case .text(let text)?: appendInterpolation(text)
            case .flag(let flag)?: appendInterpolation(flag)
            case .number(let number)?: appendInterpolation(number)
            case .time(let time)?: appendInterpolation(time)
            }
        }

        package mutating func appendInterpolation(_ fragment: SQLFragment) {
            parts += fragment.parts
        }

        package mutating func appendInterpolation(unescaped text: String) {
            parts.append(.text(text))
        }

        /// Starts a statement with the moment its visibility conditions judge by
        /// (`PostgresVisibility`): `WITH clock AS (SELECT $n AS now) `.
        package mutating func appendInterpolation(clock now: Timestamp) {
            appendLiteral("WITH clock AS (SELECT ")
            appendInterpolation(now)
            appendLiteral("::timestamptz AS now) ")
        }
    }

    /// The statement, its parameters numbered in order.
    package var query: PostgresQuery { statement.query }

    /// The statement's text, its parameters and their types.
    package var statement: (query: PostgresQuery, types: [PostgresDataType]) {
        var bindings = PostgresBindings()
        var types: [PostgresDataType] = []
        var sql = ""
        for part in parts {
            switch part {
            case .text(let text):
                sql += text
            case .value(let bind):
                types.append(bind(&bindings))
                sql += "$\(bindings.count)"
            }
        }
        return (PostgresQuery(unsafeSQL: sql, binds: bindings), types)
    }
}

extension Sequence<SQLFragment> {
    package func joined(separator: String) -> SQLFragment {
        var result = SQLFragment(stringLiteral: "")
        for (index, fragment) in enumerated() {
            if index > 0 { result.parts.append(.text(separator)) }
            result.parts += fragment.parts
        }
        return result
    }
}

extension PGConnection {
    @discardableResult
    package func run(_ fragment: SQLFragment, _ logger: Logger) async throws -> PostgresRowSequence {
        try await query(fragment.query, logger: logger)
    }

    /// Runs `fragment` as a statement prepared once on this connection (`PreparedFragment`):
    /// for the fixed statements of hot reads and writes, never for searches.
    @discardableResult
    package func runPrepared(_ fragment: SQLFragment, _ logger: Logger) async throws -> PostgresRows {
        try await PreparedFragment.run(fragment, on: self, logger)
    }

    package func run(_ fragment: SQLFragment, _ logger: Logger, prepared: Bool) async throws -> PostgresRows {
        prepared ? try await runPrepared(fragment, logger) : .unnamed(try await run(fragment, logger))
    }
}

extension Details {
    /// The details' columns, in `fields` order: names of ours, never input.
    package static var columns: SQLFragment { SQLFragment(stringLiteral: names.joined(separator: ", ")) }

    /// Their values, bound in the order of `columns`.
    package var values: SQLFragment {
        Self.fields.map { field in "\(self[field])" as SQLFragment }.joined(separator: ", ")
    }

    /// `column = value` for each, to set them all.
    package var assignments: SQLFragment {
        Self.fields.map { field in "\(unescaped: field.name) = \(self[field])" as SQLFragment }.joined(separator: ", ")
    }
}
