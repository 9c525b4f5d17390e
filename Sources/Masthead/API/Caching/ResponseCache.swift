import HTTPTypes
import MastheadDomain
import Synchronization

/// What a cached response was built from. A write bumps the scopes whose responses it can
/// change; a response built before the bump is never served again.
public enum CacheScope: Int, CaseIterable, Sendable {
    /// Article lists and details, popular and related articles.
    case articles
    case authors
    case tags
    /// Platforms, services, the catalog and the site settings.
    case catalog
    case search
    /// The RSS and JSON feeds and the sitemap.
    case feeds
    /// Every described kind's lists and resources (`DescribedInput`).
    case described
}

/// A response as the cache keeps it: the body once, plain and (on first demand) gzipped.
public struct CachedResponse: Sendable {
    public let body: [UInt8]
    public let etag: String
    /// The response's own headers (`Content-Type`, `Link`, `X-Total-Count`, …), without the
    /// ones caching sets itself.
    public let headers: HTTPFields
    /// Filled in the first time a client that accepts gzip asks for a large body.
    public var gzipped: [UInt8]?

    package var size: Int {
        body.count + (gzipped?.count ?? 0) + etag.utf8.count
            + headers.reduce(0) { $0 + $1.name.rawName.utf8.count + $1.value.utf8.count } + 256
    }
}

/// Public GET responses in memory, bounded in bytes (keys included), least recently used
/// out first.
///
/// Consistency: a request notes the generation of its scope *before* reading the database,
/// and its response is stored with that generation; writes bump the generation after they
/// commit and before they answer. So a response that could predate a write is never
/// served after that write has answered.
///
/// Counters are not content: when view counts change (`countsChanged`), responses showing
/// them stay cached, and are dropped only once they are `countLagSeconds` old. So views
/// never empty the cache, and a cached count lags the true one by at most that long.
///
/// Unverified: while the instance cannot hear other instances' writes (`markUnverified`,
/// until `markVerified`), no entry is served as fresh, but none is dropped either: if the
/// database cannot be reached, an entry no known write made stale may still be served
/// (`lookupStale`), for up to `staleIfErrorSeconds` after hearing stopped.
public final class ResponseCache: Sendable {
    public struct Statistics: Sendable, Equatable {
        public var hits = 0
        public var misses = 0
        public var evictions = 0
        public var entries = 0
        public var bytes = 0
        /// Entries served stale because the database could not be reached.
        public var staleHits = 0
    }

    private struct Entry {
        package var response: CachedResponse
        package let scope: CacheScope
        package let generation: UInt64
        /// When it was stored, in seconds since the epoch.
        package let storedAt: Int64
        /// What it counts against `maximumBytes`: the response and its key.
        package var cost: Int
        package var newer: String?
        package var older: String?
    }

    private struct State {
        package var generations = [UInt64](repeating: 0, count: CacheScope.allCases.count)
        /// Per scope, when counters its responses show last changed (seconds since the epoch).
        package var countsChangedAt = [Int64](repeating: .min, count: CacheScope.allCases.count)
        package var entries: [String: Entry] = [:]
        /// Most recently used end of the list, and least recently used end.
        package var newest: String?
        package var oldest: String?
        package var statistics = Statistics()
        /// Since when other instances' writes may have gone unheard (seconds since the epoch).
        package var unverifiedSince: Int64?
    }

    public let maximumBytes: Int
    /// How long a response may show counters older than the stored ones.
    public let countLagSeconds: Int64
    /// How long an unverified entry may still answer while the database cannot be reached;
    /// 0 never.
    public let staleIfErrorSeconds: Int64
    private let clock: ContentClock
    private let state = Mutex(State())

    public init(
        maximumBytes: Int,
        countLagSeconds: Int64 = 60,
        staleIfErrorSeconds: Int64 = 300,
        clock: ContentClock = .system
    ) {
        self.maximumBytes = maximumBytes
        self.countLagSeconds = countLagSeconds
        self.staleIfErrorSeconds = staleIfErrorSeconds
        self.clock = clock
    }

    /// What an entry costs beyond its response and key: the dictionary slot and the list links.
    private static let entryOverhead = 128

    public var isEnabled: Bool { maximumBytes > 0 }

    public var statistics: Statistics { state.withLock { $0.statistics } }

    /// The generation to store a response with; read before reading the database.
    public func generation(of scope: CacheScope) -> UInt64 {
        state.withLock { $0.generations[scope.rawValue] }
    }

    /// Makes every response of these scopes stale.
    public func invalidate(_ scopes: Set<CacheScope>) {
        state.withLock { state in
            for scope in scopes { state.generations[scope.rawValue] += 1 }
        }
    }

    /// Counters that responses of these scopes show (view counts) changed: those responses
    /// may still be served until they are `countLagSeconds` old.
    public func countsChanged(in scopes: Set<CacheScope>) {
        let now = clock.now.secondsSinceEpoch
        state.withLock { state in
            for scope in scopes { state.countsChangedAt[scope.rawValue] = now }
        }
    }

    /// Other instances' writes may go unheard from now on: serve nothing as fresh.
    public func markUnverified() {
        let now = clock.now.secondsSinceEpoch
        state.withLock { state in
            if state.unverifiedSince == nil { state.unverifiedSince = now }
        }
    }

    /// Hearing again; what was missed meanwhile must already be invalidated.
    public func markVerified() {
        state.withLock { $0.unverifiedSince = nil }
    }

    /// The fresh response for `key`, marked most recently used; nil counts as a miss.
    public func lookup(_ key: String) -> CachedResponse? {
        let now = clock.now.secondsSinceEpoch
        return state.withLock { state in
            guard let entry = state.entries[key], state.unverifiedSince == nil else {
                state.statistics.misses += 1
                return nil
            }
            let countsChanged = state.countsChangedAt[entry.scope.rawValue] >= entry.storedAt
            guard entry.generation == state.generations[entry.scope.rawValue],
                !countsChanged || now - entry.storedAt < countLagSeconds
            else {
                Self.remove(key, from: &state)
                state.statistics.misses += 1
                return nil
            }
            Self.unlink(key, from: &state)
            Self.linkNewest(key, in: &state)
            state.statistics.hits += 1
            return entry.response
        }
    }

    /// The response for `key` when the database cannot be reached: one that no write known
    /// here made stale, kept fresh or unverified for no longer than `staleIfErrorSeconds`.
    /// Counters it shows may be older than `countLagSeconds`.
    public func lookupStale(_ key: String) -> CachedResponse? {
        let now = clock.now.secondsSinceEpoch
        return state.withLock { state in
            guard staleIfErrorSeconds > 0, let entry = state.entries[key],
                entry.generation == state.generations[entry.scope.rawValue],
                now - (state.unverifiedSince ?? now) <= staleIfErrorSeconds
            else { return nil }
            state.statistics.staleHits += 1
            return entry.response
        }
    }

    /// Keeps `response` unless its scope moved on since `generation` or it alone is larger
    /// than the cache; evicts the least recently used until everything fits.
    public func store(_ response: CachedResponse, for key: String, scope: CacheScope, generation: UInt64) {
        let cost = response.size + key.utf8.count + Self.entryOverhead
        guard cost <= maximumBytes else { return }
        let now = clock.now.secondsSinceEpoch
        state.withLock { state in
            guard generation == state.generations[scope.rawValue] else { return }
            if state.entries[key] != nil { Self.remove(key, from: &state) }
            state.entries[key] = Entry(
                response: response,
                scope: scope,
                generation: generation,
                storedAt: now,
                cost: cost
            )
            state.statistics.bytes += cost
            state.statistics.entries += 1
            Self.linkNewest(key, in: &state)
            while state.statistics.bytes > maximumBytes, let oldest = state.oldest {
                Self.remove(oldest, from: &state)
                state.statistics.evictions += 1
            }
        }
    }

    /// Adds the gzipped body to an entry, if it is still there and still fresh.
    public func attachGzip(_ gzipped: [UInt8], for key: String, etag: String) {
        state.withLock { state in
            guard var entry = state.entries[key], entry.response.etag == etag, entry.response.gzipped == nil else {
                return
            }
            let added = gzipped.count
            entry.response.gzipped = gzipped
            entry.cost += added
            state.statistics.bytes += added
            state.entries[key] = entry
            while state.statistics.bytes > maximumBytes, let oldest = state.oldest {
                Self.remove(oldest, from: &state)
                state.statistics.evictions += 1
            }
        }
    }

    private static func remove(_ key: String, from state: inout State) {
        guard let entry = state.entries[key] else { return }
        unlink(key, from: &state)
        state.entries[key] = nil
        state.statistics.bytes -= entry.cost
        state.statistics.entries -= 1
    }

    private static func unlink(_ key: String, from state: inout State) {
        guard let entry = state.entries[key] else { return }
        if let newer = entry.newer { state.entries[newer]?.older = entry.older } else { state.newest = entry.older }
        if let older = entry.older { state.entries[older]?.newer = entry.newer } else { state.oldest = entry.newer }
        state.entries[key]?.newer = nil
        state.entries[key]?.older = nil
    }

    private static func linkNewest(_ key: String, in state: inout State) {
        state.entries[key]?.older = state.newest
        state.entries[key]?.newer = nil
        if let newest = state.newest { state.entries[newest]?.newer = key }
        state.newest = key
        if state.oldest == nil { state.oldest = key }
    }
}
