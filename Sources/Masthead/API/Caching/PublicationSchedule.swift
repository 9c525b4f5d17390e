import MastheadDomain
import MastheadStorage
import Synchronization

/// When the next scheduled article goes live. Cached article responses are built from what
/// was visible then, so at that moment they must go, though nothing was written.
public final class PublicationSchedule: Sendable {
    private struct State {
        /// The next publication time as last looked up (`.some(nil)`: none scheduled);
        /// `.none` when it must be looked up again.
        package var next: Timestamp?? = .none
        /// Moves on with every `refresh()`: a look-up that started before a write keeps its
        /// answer only if no write came since, so a stale answer never overwrites the
        /// schedule that write set.
        package var generation: UInt64 = 0
    }

    private let state = Mutex(State())
    private let lookUp: @Sendable (Timestamp) async throws -> Timestamp?
    private let clock: ContentClock

    public convenience init(articles: any ArticleStore, clock: ContentClock) {
        self.init(clock: clock) { now in try await articles.nextPublication(after: now) }
    }

    /// `lookUp(now)` answers the first publication time after `now`.
    package init(clock: ContentClock, lookUp: @escaping @Sendable (Timestamp) async throws -> Timestamp?) {
        self.clock = clock
        self.lookUp = lookUp
    }

    /// Forgets what it knew; the next check reads the database again. Called after every
    /// article write.
    public func refresh() {
        state.withLock { state in
            state.next = .none
            state.generation &+= 1
        }
    }

    /// Invalidates content responses once the next scheduled publication time has passed.
    package func expireIfDue(_ cache: ResponseCache) async throws {
        let now = clock.now
        let (known, generation) = state.withLock { ($0.next, $0.generation) }
        let due: Timestamp?
        if case .some(let value) = known {
            due = value
        } else {
            due = try await lookUp(now)
            keep(due, lookedUpAt: generation)
        }
        guard let due, now >= due else { return }
        cache.invalidate([.articles, .authors, .tags, .search, .feeds])
        let following = try await lookUp(now)
        keep(following, lookedUpAt: generation)
    }

    /// Keeps a looked-up time unless a write came after the look-up started.
    private func keep(_ next: Timestamp?, lookedUpAt generation: UInt64) {
        state.withLock { state in
            if state.generation == generation { state.next = .some(next) }
        }
    }
}
