/// What a write tells the caches once it has committed, before it answers.
public struct ContentChanges: Sendable {
    let cache: ResponseCache
    let schedule: PublicationSchedule

    /// Responses of `scopes` are stale; an article write may also have moved the next
    /// scheduled publication.
    func committed(_ scopes: Set<CacheScope>) {
        cache.invalidate(scopes)
        if scopes.contains(.articles) { schedule.refresh() }
    }
}
