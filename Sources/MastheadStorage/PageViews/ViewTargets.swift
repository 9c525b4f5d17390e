import MastheadDomain
import Synchronization

/// Which article a slug names, for the public, remembered between writes so that counting
/// a view does not have to ask the database which article it is. Forgotten whenever the
/// generation it was learned at moves on (any article write bumps it); a slug not known yet
/// is looked up, so a scheduled article is found the moment it is published.
public final class ViewTargets: Sendable {
    private struct State {
        package var generation: UInt64 = .max
        package var ids: [String: Int64] = [:]
    }

    private let state = Mutex(State())
    private let generation: @Sendable () -> UInt64
    /// More than this many slugs and the map starts over.
    private let capacity = 100_000

    public init(generation: @escaping @Sendable () -> UInt64) {
        self.generation = generation
    }

    /// The id for `slug`, from memory or from `lookup` (nil when no visible article has it).
    public func id(for slug: Slug, lookup: () async throws -> Int64?) async throws -> Int64? {
        let current = generation()
        let known = state.withLock { state -> Int64? in
            if state.generation != current {
                state.generation = current
                state.ids.removeAll(keepingCapacity: true)
            }
            return state.ids[slug.value]
        }
        if let known { return known }
        guard let id = try await lookup() else { return nil }
        state.withLock { state in
            guard state.generation == current else { return }
            if state.ids.count >= capacity { state.ids.removeAll(keepingCapacity: true) }
            state.ids[slug.value] = id
        }
        return id
    }
}
