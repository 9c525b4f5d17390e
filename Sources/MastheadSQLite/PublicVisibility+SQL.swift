import GRDB
import MastheadDomain

/// The public-visibility rule (`PublicVisibility`, in the domain) as SQL conditions: every
/// SQLite query that shows, counts, ranks, lists or links articles for the public takes its
/// condition from here.
extension PublicVisibility {
    /// Visible at `now`, for the `articles` row named `alias`.
    package static func condition(_ alias: String = "a", at now: Timestamp) -> SQL {
        "\(sql: alias).status = \(publishedStatus) AND \(sql: alias).published_at <= \(now)"
    }

    /// The same rule on a tag link (`article_tags`, 0011), whose `visible_from` is its
    /// article's published_at when the stored status is published and NULL otherwise.
    package static func taggedCondition(_ alias: String = "at", at now: Timestamp) -> SQL {
        "\(sql: alias).visible_from <= \(now)"
    }

    /// Published by an editor, but its time is still to come at `now`.
    package static func scheduledCondition(_ alias: String = "a", at now: Timestamp) -> SQL {
        "\(sql: alias).status = \(publishedStatus) AND \(sql: alias).published_at > \(now)"
    }
}
