/// What a write tells the caches once it has committed, before it answers.

import MastheadStorage

public struct ContentChanges: Sendable {
    package let cache: ResponseCache
    package let schedule: PublicationSchedule
    /// Lists' totals the storage engine keeps, if it keeps any.
    package var counts: ListCounts? = nil

    /// Responses of `scopes` are stale; an article write may also have moved the next
    /// scheduled publication. Kept list totals go with any write: articles, their authors
    /// and tags (a slug a list filters by) all decide them.
    package func committed(_ scopes: Set<CacheScope>) {
        cache.invalidate(scopes)
        if !scopes.isDisjoint(with: [.articles, .authors, .tags]) { counts?.invalidate() }
        if scopes.contains(.articles) { schedule.refresh() }
    }

    /// Another instance sharing the database committed `change` (`ChangeFeed`): its content
    /// is stale here too. Counts only move what lags by design. While nothing can be heard,
    /// the cache answers nothing as fresh; once hearing again, everything is stale.
    public func heard(_ change: SharedChange) {
        switch change {
        case .content: committed(Set(CacheScope.allCases))
        case .counts: cache.countsChanged(in: [.articles])
        case .interrupted: cache.markUnverified()
        case .unknown:
            committed(Set(CacheScope.allCases))
            cache.markVerified()
        }
    }
}
