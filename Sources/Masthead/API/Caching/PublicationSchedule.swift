import Synchronization

/// When the next scheduled article goes live. Cached article responses are built from what
/// was visible then, so at that moment they must go, though nothing was written.
public final class PublicationSchedule: Sendable {
    private let next = Mutex<Timestamp??>(.none)
    private let articles: any ArticleStore
    private let clock: ContentClock

    public init(articles: any ArticleStore, clock: ContentClock) {
        self.articles = articles
        self.clock = clock
    }

    /// Forgets what it knew; the next check reads the database again. Called after every
    /// article write.
    public func refresh() {
        next.withLock { $0 = .none }
    }

    /// Invalidates content responses once the next scheduled publication time has passed.
    func expireIfDue(_ cache: ResponseCache) async throws {
        let now = clock.now
        let known = next.withLock { $0 }
        let due: Timestamp?
        if case .some(let value) = known {
            due = value
        } else {
            due = try await articles.nextPublication(after: now)
            next.withLock { $0 = .some(due) }
        }
        guard let due, now >= due else { return }
        cache.invalidate([.articles, .authors, .tags, .search, .feeds])
        let following = try await articles.nextPublication(after: now)
        next.withLock { $0 = .some(following) }
    }
}
