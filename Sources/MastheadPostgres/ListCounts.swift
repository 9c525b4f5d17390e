import MastheadDomain
import Synchronization

/// The totals of public article lists, kept between content writes. A list page counts
/// every article its filter matches; on PostgreSQL that count (an index scan of every visible
/// article, ~1.6 ms at 10,000) costs more than the page itself, and it only changes when
/// content is written or a scheduled article goes live. Every page of one list, and every
/// request for it, shares one count until then.
///
/// The engine keeps them (`PostgresEngine.listCounts`). A content write on this instance drops
/// every count as it commits (`PostgresEngine.write`), before it answers, and so does a write
/// announced by another instance, or losing the connection that hears them
/// (`PostgresChangeFeed`);
/// each count also says until when it holds: the next scheduled publication after it was
/// made. A count made while a write committed is not kept (`generation`). At most
/// `capacity` lists are remembered; past that all are let go.
public final class ListCounts: Sendable {
    /// What decides a public list's total: its filters.
    package struct Key: Hashable, Sendable {
        package let tags: [Slug]
        package let author: Slug?
        package let featured: Bool?
        package let publishedAfter: Timestamp?
        package let publishedBefore: Timestamp?

        /// The key of `query`'s total, if it may be kept: public lists without full text
        /// (searches are bounded by their own rules and change with every term).
        package init?(_ query: ArticleListQuery) {
            guard query.visibility == .published, query.search == nil else { return nil }
            tags = query.tags
            author = query.author
            featured = query.featured
            publishedAfter = query.publishedAfter
            publishedBefore = query.publishedBefore
        }
    }

    private struct Count {
        package let total: Int
        package let madeAt: Timestamp
        /// The next scheduled publication when it was made: from then it may be wrong.
        package let until: Timestamp?
    }

    private struct State {
        package var generation: UInt64 = 0
        package var counts: [Key: Count] = [:]
        /// The next scheduled publication as last looked up (at `madeAt`), the same for
        /// every list until a write or that time.
        package var next: (madeAt: Timestamp, until: Timestamp?)?
    }

    package static let defaultCapacity = 1_000
    private let capacity: Int
    private let state = Mutex(State())

    public init() {
        capacity = Self.defaultCapacity
    }

    package init(capacity: Int) {
        self.capacity = capacity
    }

    /// Content was written (here or on another instance): every kept count may be wrong.
    public func invalidate() {
        state.withLock { state in
            state.generation &+= 1
            state.counts.removeAll(keepingCapacity: true)
            state.next = nil
        }
    }

    /// The next scheduled publication after `now`, if a count kept since the last write
    /// looked it up and it has not come: `.some(nil)` is "none scheduled".
    package func nextPublication(at now: Timestamp) -> Timestamp?? {
        state.withLock { state in
            guard let next = state.next, next.madeAt <= now else { return nil }
            if let until = next.until, now >= until { return nil }
            return .some(next.until)
        }
    }

    /// The kept total for `key` at `now`, if it holds.
    package func total(for key: Key, at now: Timestamp) -> Int? {
        state.withLock { state in
            guard let count = state.counts[key], count.madeAt <= now else { return nil }
            if let until = count.until, now >= until { return nil }
            return count.total
        }
    }

    /// The generation to hand back to `keep`: read it before counting.
    package var generation: UInt64 {
        state.withLock { $0.generation }
    }

    /// Keeps `total`, counted at `now` after reading `generation`, unless a write came since.
    package func keep(_ total: Int, for key: Key, at now: Timestamp, until: Timestamp?, generation: UInt64) {
        state.withLock { state in
            guard state.generation == generation else { return }
            if state.counts.count >= capacity, state.counts[key] == nil {
                state.counts.removeAll(keepingCapacity: true)
            }
            state.counts[key] = Count(total: total, madeAt: now, until: until)
            state.next = (now, until)
        }
    }

    /// How many lists' totals are kept (for tests).
    package var count: Int {
        state.withLock { $0.counts.count }
    }
}
