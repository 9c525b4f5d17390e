import GRDB

/// The one definition of "visible to the public at time t": an article an editor published
/// whose publication time has come. Every query that shows, counts, ranks, lists or links
/// articles for the public takes its condition from here, and the status served to readers
/// (`ArticleStatus.at`) applies the same rule in Swift.
enum PublicVisibility {
    /// The stored status of an article an editor published (as opposed to a draft).
    static let publishedStatus = "published"

    /// Visible at `now`, for the `articles` row named `alias`.
    static func condition(_ alias: String = "a", at now: Timestamp) -> SQL {
        "\(sql: alias).status = \(publishedStatus) AND \(sql: alias).published_at <= \(now)"
    }

    /// The same rule on a tag link (`article_tags`, 0011), whose `visible_from` is its
    /// article's published_at when the stored status is published and NULL otherwise.
    static func taggedCondition(_ alias: String = "at", at now: Timestamp) -> SQL {
        "\(sql: alias).visible_from <= \(now)"
    }

    /// Published by an editor, but its time is still to come at `now`.
    static func scheduledCondition(_ alias: String = "a", at now: Timestamp) -> SQL {
        "\(sql: alias).status = \(publishedStatus) AND \(sql: alias).published_at > \(now)"
    }

    /// The rule of `condition` for values already read.
    static func isVisible(storedStatus: String, publishedAt: Timestamp?, at now: Timestamp) -> Bool {
        storedStatus == publishedStatus && publishedAt.map { $0 <= now } == true
    }
}
