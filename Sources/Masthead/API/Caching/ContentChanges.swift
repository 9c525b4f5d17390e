import MastheadStorage

/// What a write tells the caches once it has committed, before it answers.
public struct ContentChanges: Sendable {
    package let cache: ResponseCache
    package let schedule: PublicationSchedule

    /// Responses of `scopes` are stale; an article write may also have moved the next
    /// scheduled publication. (An engine that keeps lists' totals drops them itself.)
    package func committed(_ scopes: Set<CacheScope>) {
        cache.invalidate(scopes)
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
