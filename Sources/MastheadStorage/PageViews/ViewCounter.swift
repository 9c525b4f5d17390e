import Logging
import MastheadDomain
import ServiceLifecycle
import Synchronization

/// Who viewed: hashed with a salt that changes every UTC day and lives only in memory, so
/// neither the address nor the User-Agent is ever stored or logged, and visitors cannot be
/// followed from one day to the next.
public struct Visitor: Sendable {
    public let address: String
    public let userAgent: String

    public init(address: String, userAgent: String) {
        self.address = address
        self.userAgent = userAgent
    }
}

/// How views are counted: how often counts reach the database, how long the same
/// visitor's views of one article count once (0 turns that and the per-address bound off),
/// and how many views one client address can add to one article within that window,
/// whatever User-Agents it sends.
public struct ViewSettings: Sendable {
    public var flushInterval: Duration
    public var dedupeWindowSeconds: Int64
    public var maximumPerAddress: Int
    /// The most address–article pairs remembered; past that the oldest is forgotten.
    public var rememberedVisitors: Int

    public init(
        flushInterval: Duration = .seconds(1),
        dedupeWindowSeconds: Int64 = 30 * 60,
        maximumPerAddress: Int = 10,
        rememberedVisitors: Int = 200_000
    ) {
        self.flushInterval = flushInterval
        self.dedupeWindowSeconds = dedupeWindowSeconds
        self.maximumPerAddress = maximumPerAddress
        self.rememberedVisitors = rememberedVisitors
    }
}

/// Counts article views in memory and writes them in one transaction per interval, so that
/// a flood of views costs one write a second and never makes reads wait. A service of the
/// application: on graceful shutdown (after the server has stopped taking requests) it
/// flushes every counted view before returning.
public final class ViewCounter: ServiceLifecycle.Service, Sendable {
    /// A day's views of one article, waiting to be written.
    public struct Bucket: Hashable, Sendable {
        public let articleID: Int64
        /// Days since 1970-01-01 (UTC).
        public let day: Int64
    }

    /// One client address's views of one article: the address as a salted hash.
    private struct AddressKey: Hashable {
        package let address: UInt64
        package let articleID: Int64
    }

    private struct State {
        /// Counted and not yet taken by a flush.
        package var pending: [Bucket: Int] = [:]
        /// Per article: counted and not yet committed (pending, or in a flush under way).
        package var unflushed: [Int64: Int] = [:]
        /// Odd while a flush is between taking `pending` and committing (a sequence lock).
        package var sequence: UInt64 = 0
        /// Per address and article, within the dedupe window: the salted hashes of the
        /// User-Agents whose view counted, at most `maximumPerAddress`.
        package var counted: ExpiringTable<AddressKey, [UInt64]>
        package var saltDay: Int64 = -1
        package var salt: (UInt64, UInt64) = (0, 0)
        package var countedTotal = 0
        package var flushed = 0
        /// Stored totals read from the database, each valid while `sequence` is unchanged.
        package var stored: [Int64: (views: Int, sequence: UInt64)] = [:]
        /// Who waits for the flush under way to end, by ticket; resumed once each, when it
        /// ends or (for a total) when the wait runs out.
        var waiting: [UInt64: CheckedContinuation<Void, Never>] = [:]
        /// Tickets whose wait ran out before their waiter got in line: it goes at once.
        var expired: Set<UInt64> = []
        var nextTicket: UInt64 = 0

        /// Ends a flush (`sequence` even again); the waiters to resume, outside the lock.
        mutating func endFlush() -> [CheckedContinuation<Void, Never>] {
            sequence += 1
            defer { waiting = [:] }
            return Array(waiting.values)
        }
    }

    private let state: Mutex<State>
    private let store: any ViewSink
    private let clock: ContentClock
    public let settings: ViewSettings
    private let logger: Logger
    /// Called after each flush that wrote something: responses showing view counts are stale.
    private let onFlush: @Sendable () -> Void

    public init(
        store: some ViewSink,
        clock: ContentClock,
        settings: ViewSettings,
        logger: Logger,
        onFlush: @escaping @Sendable () -> Void = {}
    ) {
        self.store = store
        self.clock = clock
        self.settings = settings
        self.logger = logger
        self.onFlush = onFlush
        self.state = Mutex(
            State(
                counted: ExpiringTable(
                    lifetime: max(1, settings.dedupeWindowSeconds),
                    capacity: max(1, settings.rememberedVisitors)
                )
            )
        )
    }

    /// Address–article pairs remembered for de-duplication now; at most `settings.rememberedVisitors`.
    public var rememberedVisitors: Int {
        state.withLock { $0.counted.count }
    }

    /// Views counted since start, and views written to the database since start.
    public var statistics: (counted: Int, flushed: Int) {
        state.withLock { ($0.countedTotal, $0.flushed) }
    }

    /// Counts one view of `articleID` unless, within the dedupe window, `visitor` (address
    /// and User-Agent) already had a view of it counted, or its address already added
    /// `maximumPerAddress` views to it. Returns whether it counted. O(1): two hashes, made
    /// outside the lock, and one bounded table update under it.
    @discardableResult
    public func record(articleID: Int64, visitor: Visitor?) -> Bool {
        let now = clock.now.secondsSinceEpoch
        let day = now / 86_400
        var seen: (key: AddressKey, agent: UInt64)?
        if settings.dedupeWindowSeconds > 0, let visitor {
            let salt = state.withLock { state in
                if state.saltDay != day {
                    state.saltDay = day
                    state.salt = (UInt64.random(in: .min ... .max), UInt64.random(in: .min ... .max))
                    state.counted.removeAll()
                }
                return state.salt
            }
            seen = (
                AddressKey(address: Self.digest(salt, visitor.address), articleID: articleID),
                Self.digest(salt, visitor.userAgent)
            )
        }
        let limit = settings.maximumPerAddress
        return state.withLock { state in
            if let seen {
                let counts = state.counted.update(seen.key, at: now, initial: []) { agents -> Bool in
                    guard agents.count < limit, !agents.contains(seen.agent) else { return false }
                    agents.append(seen.agent)
                    return true
                }
                guard counts else { return false }
            }
            state.pending[Bucket(articleID: articleID, day: day), default: 0] += 1
            state.unflushed[articleID, default: 0] += 1
            state.countedTotal += 1
            return true
        }
    }

    /// The article's total: what the database holds (`stored`, read by the caller) plus what
    /// is counted but not yet written. The stored total is read once per flush interval at
    /// most. While a flush is under way its views may or may not be in the database yet, so
    /// the answer waits for it to end (a flush is one transaction; at most `flushWait`);
    /// reads that straddle a flush's start or end are retried, so a flushed view is never
    /// counted twice or missed.
    public func total(of articleID: Int64, stored: () async throws -> Int) async throws -> Int {
        let deadline = ContinuousClock.now + Self.flushWait
        var estimate = 0
        while true {
            let (before, known) = state.withLock { state in
                (state.sequence, state.stored[articleID].flatMap { $0.sequence == state.sequence ? $0.views : nil })
            }
            if before % 2 == 1, ContinuousClock.now < deadline {
                await flushEnds(by: deadline)
                continue
            }
            let flushed: Int
            if let known { flushed = known } else { flushed = try await stored() }
            let (consistent, unflushed) = state.withLock { state -> (Bool, Int) in
                let consistent = state.sequence == before && before % 2 == 0
                if consistent && known == nil { state.stored[articleID] = (flushed, before) }
                return (consistent, state.unflushed[articleID] ?? 0)
            }
            estimate = try StoredNumbers.add(flushed, unflushed, within: .min ... .max, "view count")
            if consistent || ContinuousClock.now >= deadline { return estimate }
            await Task.yield()
        }
    }

    /// Returns once no flush is under way, or at `deadline` if one is given: woken by the
    /// flush's end, never by polling.
    private func flushEnds(by deadline: ContinuousClock.Instant?) async {
        let ticket = state.withLock { state in
            defer { state.nextTicket += 1 }
            return state.nextTicket
        }
        guard let deadline else { return await waitForFlushEnd(ticket) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.waitForFlushEnd(ticket) }
            group.addTask {
                try? await Task.sleep(until: deadline)
                // Out of time (or the flush ended and this was cancelled): let the waiter go.
                let waiter = self.state.withLock { state in
                    guard let waiter = state.waiting.removeValue(forKey: ticket) else {
                        state.expired.insert(ticket)
                        return CheckedContinuation<Void, Never>?.none
                    }
                    return waiter
                }
                waiter?.resume()
            }
            await group.next()
            group.cancelAll()
        }
        state.withLock { _ = $0.expired.remove(ticket) }
    }

    private func waitForFlushEnd(_ ticket: UInt64) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ended = state.withLock { state in
                if state.sequence % 2 == 0 || state.expired.remove(ticket) != nil { return true }
                state.waiting[ticket] = continuation
                return false
            }
            if ended { continuation.resume() }
        }
    }

    /// How long a total waits for a flush under way before answering with an estimate that
    /// may count the flush's views twice.
    static let flushWait: Duration = .seconds(2)

    /// Writes every counted view in one transaction. On failure the counts go back to pending.
    @discardableResult
    public func flush() async throws -> Int {
        // One flush at a time: another caller waits for the one under way to commit.
        var taken: [Bucket: Int]?
        while taken == nil {
            taken = state.withLock { state -> [Bucket: Int]? in
                guard state.sequence % 2 == 0 else { return nil }
                guard !state.pending.isEmpty else { return [:] }
                state.sequence += 1
                defer { state.pending = [:] }
                return state.pending
            }
            if taken == nil { await flushEnds(by: nil) }
        }
        let batch = taken ?? [:]
        guard !batch.isEmpty else { return 0 }
        do {
            try await store.add(batch)
        } catch {
            let waiting = state.withLock { state in
                state.pending.merge(batch, uniquingKeysWith: +)
                return state.endFlush()
            }
            for waiter in waiting { waiter.resume() }
            throw error
        }
        let written = batch.values.reduce(0, +)
        let waiting = state.withLock { state in
            for (bucket, count) in batch {
                let left = (state.unflushed[bucket.articleID] ?? 0) - count
                state.unflushed[bucket.articleID] = left > 0 ? left : nil
            }
            state.flushed += written
            state.stored = [:]
            return state.endFlush()
        }
        for waiter in waiting { waiter.resume() }
        onFlush()
        return written
    }

    public func run() async throws {
        var spell = FailureSpell()
        while !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown {
                    try await Task.sleep(for: self.settings.flushInterval)
                }
            } catch is CancellationError {
                break
            }
            do {
                try await flush()
                spell.succeeded("Writing view counts again", logger: logger)
            } catch {
                spell.failed("Could not write view counts; keeping them for the next flush", error, logger: logger)
            }
        }
        let written = try await flush()
        logger.info("View counter stopped", metadata: ["flushed_on_shutdown": "\(written)"])
    }

    /// A keyed 64-bit hash of `text`: SipHash (Swift's `Hasher`, seeded at random for each
    /// process) over the day's salt and the text. Cheap enough to leave counting a view as
    /// fast as answering `/healthz`; 64 bits make a collision among the remembered
    /// visitors vanishingly rare, and the key never leaves the process.
    private static func digest(_ salt: (UInt64, UInt64), _ text: String) -> UInt64 {
        var hasher = Hasher()
        hasher.combine(salt.0)
        hasher.combine(salt.1)
        hasher.combine(text)
        return UInt64(bitPattern: Int64(hasher.finalize()))
    }
}
