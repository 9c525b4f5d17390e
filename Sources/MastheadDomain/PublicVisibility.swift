/// The one definition of "visible to the public at time t": an article an editor published
/// whose publication time has come. Every query that shows, counts, ranks, lists or links
/// articles for the public takes its condition from the storage's translation of this rule
/// (`PublicVisibility.condition` and its siblings, beside each engine's queries), and the
/// status served to readers (`ArticleStatus.at`) applies it in Swift.
package enum PublicVisibility {
    /// The stored status of an article an editor published (as opposed to a draft).
    package static let publishedStatus = "published"

    /// The rule for values already read.
    package static func isVisible(storedStatus: String, publishedAt: Timestamp?, at now: Timestamp) -> Bool {
        storedStatus == publishedStatus && publishedAt.map { $0 <= now } == true
    }
}
