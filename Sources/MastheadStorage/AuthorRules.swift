import MastheadDomain

/// Rules about authors that every engine enforces.
package enum AuthorRules {
    /// An author with articles (drafts included) is not deleted: they would lose their byline.
    package static func hasArticles(slug: String, count: Int) -> StoreError {
        let noun = count == 1 ? "1 article" : "\(count) articles"
        return .conflict(
            code: "author_has_articles",
            detail: "Author '\(slug)' still has \(noun) (drafts included); reassign or delete them first."
        )
    }
}
