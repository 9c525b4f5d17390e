import MastheadDomain
import PostgresNIO

/// The public-visibility rule (`PublicVisibility`, in the domain) as PostgreSQL conditions:
/// every query that shows, counts, ranks, lists or links articles for the public takes its
/// condition from here. The conditions read the time from the `clock` a query starts with
/// (`\(clock: now)`), so the moment is a bound parameter like any value.
package enum PostgresVisibility {
    /// Visible now, for the `articles` row named `alias`.
    package static func condition(_ alias: String = "a") -> String {
        "\(alias).status = 'published' AND \(alias).published_at <= (SELECT now FROM clock)"
    }

    /// The same rule on a row that carries its article's `visibleFrom` (a tag link, a body).
    package static func carriedCondition(_ alias: String = "at") -> String {
        "\(alias).visible_from <= (SELECT now FROM clock)"
    }

    /// What a tag link or a body carries of the `articles` row named `alias`: its
    /// published_at while its stored status is published, NULL otherwise.
    package static func visibleFrom(_ alias: String = "a") -> String {
        "CASE WHEN \(alias).status = 'published' THEN \(alias).published_at END"
    }

    /// Published by an editor, but its time is still to come.
    package static func scheduledCondition(_ alias: String = "a") -> String {
        "\(alias).status = 'published' AND \(alias).published_at > (SELECT now FROM clock)"
    }
}

extension PostgresQuery.StringInterpolation {
    /// Starts a query with the moment its visibility conditions judge by:
    /// `WITH clock AS (SELECT $n AS now) `.
    package mutating func appendInterpolation(clock now: Timestamp) {
        appendLiteral("WITH clock AS (SELECT ")
        appendInterpolation(now.date)
        appendLiteral("::timestamptz AS now) ")
    }
}
