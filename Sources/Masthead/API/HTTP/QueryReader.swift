import Foundation
import Hummingbird
import MastheadDomain

/// Reads a request's query string strictly: a parameter the route does not know, one given
/// twice, or a value that does not parse is a 400, never ignored or clamped.
package struct QueryReader {
    private let values: [String: String]

    /// The request's query as `RequestQueryMiddleware` read it, held to the route's names.
    package init(_ context: AppRequestContext, allowed: [String]) throws {
        var values: [String: String] = [:]
        for (name, value) in try context.query.parameters().map({ ($0.name, $0.value) }) {
            guard allowed.contains(name) else {
                throw ProblemError.unknownParameter(TextRules.printable(name), allowed: allowed)
            }
            guard values.updateValue(TextRules.withoutNUL(value), forKey: name) == nil else {
                throw ProblemError.invalidParameter(name, "given more than once; use a comma-separated list.")
            }
        }
        self.values = values
    }

    package func string(_ name: String) -> String? {
        values[name]
    }

    package func integer(_ name: String, in range: ClosedRange<Int>) throws -> Int? {
        guard let text = values[name] else { return nil }
        guard let value = Int(text), range.contains(value) else {
            let bound =
                range.upperBound == .max
                ? "at least \(range.lowerBound)" : "from \(range.lowerBound) to \(range.upperBound)"
            throw ProblemError.invalidParameter(name, "must be a whole number \(bound).")
        }
        return value
    }

    package func boolean(_ name: String) throws -> Bool? {
        switch values[name] {
        case nil: return nil
        case "true": return true
        case "false": return false
        default: throw ProblemError.invalidParameter(name, "must be true or false.")
        }
    }

    /// A comma-separated list of at most `maxCount` items; empty items are refused. Every
    /// list is bounded, so no query can make a request's work (or a cache key) grow without end.
    package func list(_ name: String, maxCount: Int) throws -> [String]? {
        guard let text = values[name] else { return nil }
        let items = text.split(separator: ",", omittingEmptySubsequences: false)
        guard items.count <= maxCount else {
            throw ProblemError.invalidParameter(name, "may list at most \(maxCount) items.", code: "too_many_items")
        }
        guard !items.contains(where: \.isEmpty) else {
            throw ProblemError.invalidParameter(name, "must be a comma-separated list without empty items.")
        }
        return items.map(String.init)
    }

    package func slugs(_ name: String, maxCount: Int) throws -> [Slug]? {
        try list(name, maxCount: maxCount)?.map { item in
            guard let slug = Slug(parsing: item) else {
                throw ProblemError.invalidParameter(name, "'\(TextRules.printable(item))' is not a slug.")
            }
            return slug
        }
    }

    package func timestamp(_ name: String) throws -> Timestamp? {
        guard let text = values[name] else { return nil }
        guard let time = Timestamp(rfc3339: text) else {
            throw ProblemError.invalidParameter(
                name,
                "must be an RFC 3339 date-time or date, such as 2026-11-28T09:30:00Z."
            )
        }
        return time
    }

    /// `page` (from 1) and `limit` (1...100, default 20).
    package func pageRequest() throws -> PageRequest {
        PageRequest(number: try integer("page", in: 1...1_000_000) ?? 1, limit: try limit())
    }

    package func limit(default defaultLimit: Int = 20) throws -> Int {
        try integer("limit", in: 1...100) ?? defaultLimit
    }
}
