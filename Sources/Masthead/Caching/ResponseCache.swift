import HTTPTypes
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

    var size: Int {
        body.count + (gzipped?.count ?? 0) + etag.utf8.count
            + headers.reduce(0) { $0 + $1.name.rawName.utf8.count + $1.value.utf8.count } + 256
    }
}

/// Public GET responses in memory, bounded in bytes, least recently used out first.
///
/// Consistency: a request notes the generation of its scope *before* reading the database,
/// and its response is stored with that generation; writes bump the generation after they
/// commit and before they answer. So a response that could predate a write is never
/// served after that write has answered.
public final class ResponseCache: Sendable {
    public struct Statistics: Sendable, Equatable {
        public var hits = 0
        public var misses = 0
        public var evictions = 0
        public var entries = 0
        public var bytes = 0
    }

    private struct Entry {
        var response: CachedResponse
        let scope: CacheScope
        let generation: UInt64
        var newer: String?
        var older: String?
    }

    private struct State {
        var generations = [UInt64](repeating: 0, count: CacheScope.allCases.count)
        var entries: [String: Entry] = [:]
        /// Most recently used end of the list, and least recently used end.
        var newest: String?
        var oldest: String?
        var statistics = Statistics()
    }

    public let maximumBytes: Int
    private let state = Mutex(State())

    public init(maximumBytes: Int) {
        self.maximumBytes = maximumBytes
    }

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

    /// The fresh response for `key`, marked most recently used; nil counts as a miss.
    public func lookup(_ key: String) -> CachedResponse? {
        state.withLock { state in
            guard let entry = state.entries[key] else {
                state.statistics.misses += 1
                return nil
            }
            guard entry.generation == state.generations[entry.scope.rawValue] else {
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

    /// Keeps `response` unless its scope moved on since `generation` or it alone is larger
    /// than the cache; evicts the least recently used until everything fits.
    public func store(_ response: CachedResponse, for key: String, scope: CacheScope, generation: UInt64) {
        guard response.size <= maximumBytes else { return }
        state.withLock { state in
            guard generation == state.generations[scope.rawValue] else { return }
            if state.entries[key] != nil { Self.remove(key, from: &state) }
            state.entries[key] = Entry(response: response, scope: scope, generation: generation)
            state.statistics.bytes += response.size
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
            state.statistics.bytes -= entry.response.size
            entry.response.gzipped = gzipped
            state.statistics.bytes += entry.response.size
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
        state.statistics.bytes -= entry.response.size
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
