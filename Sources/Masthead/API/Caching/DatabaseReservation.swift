import DequeModule
import HTTPTypes
import Synchronization

/// Database capacity kept for requests with a token. At most `anonymousPermits` requests
/// without one do database work at once (cache misses, reads no cache keeps), and while
/// editors are at work (a request with a token within `editorWindow`) at most one: the
/// public's queries, which a flood makes CPU-bound, then leave the machine to the editor.
/// The others wait their turn, first come first served; answers from the response cache
/// never wait. `Benchmarks/editors.sh` measures an editor's p99 under a flood.
public final class DatabaseReservation: Sendable {
    public let anonymousPermits: Int
    /// How long after a request with a token the public is held to one query at a time.
    public let editorWindow: Duration

    private struct State {
        package var inUse = 0
        package var waiting: Deque<CheckedContinuation<Void, Never>> = []
        package var lastEditor: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    private let now: @Sendable () -> ContinuousClock.Instant

    /// `connections`: what the engine reads with at once; a quarter of them, at least two,
    /// are kept for requests with a token (at least one is always left to the public): 3 of
    /// SQLite's 5 readers go to the public, 12 of PostgreSQL's 16 connections.
    public init(
        connections: Int,
        editorWindow: Duration = .seconds(2),
        now: @escaping @Sendable () -> ContinuousClock.Instant = { ContinuousClock.now }
    ) {
        anonymousPermits = max(1, connections - max(2, connections / 4))
        self.editorWindow = editorWindow
        self.now = now
    }

    /// Requests without a token waiting for a permit now.
    public var waiting: Int { state.withLock { $0.waiting.count } }

    /// Past this many waiting, a request without a token is answered 503 at once rather than
    /// queued: bounded memory, and an answer a client can act on.
    package static let maximumWaiting = 1_024

    package static let busy = ProblemError(
        status: .serviceUnavailable,
        code: "busy",
        detail: "The server has more requests without a token than it can answer just now; try again shortly.",
        headers: [.retryAfter: "1"]
    )

    /// A request with a token is being served: for `editorWindow`, the public gets one permit.
    package func noteEditor() {
        let instant = now()
        state.withLock { $0.lastEditor = instant }
    }

    /// Runs `work` once a permit is free.
    package func run<Result>(_ work: () async throws -> Result) async throws -> Result {
        try await acquire()
        defer { release() }
        return try await work()
    }

    /// How many may run now.
    private func limit(_ state: State, at instant: ContinuousClock.Instant) -> Int {
        if let last = state.lastEditor, instant - last < editorWindow { return 1 }
        return anonymousPermits
    }

    private func acquire() async throws {
        let instant = now()
        // Waiters first, in order, as far as the limit allows now (it rises when an editor's
        // window ends); then this request, if there is still room and nobody waits.
        let (admitted, granted) = state.withLock { state -> ([CheckedContinuation<Void, Never>], Bool?) in
            let admitted = Self.admitWaiters(&state, limit: limit(state, at: instant))
            guard state.waiting.isEmpty, state.inUse < limit(state, at: instant) else {
                return (admitted, state.waiting.count >= Self.maximumWaiting ? nil : false)
            }
            state.inUse += 1
            return (admitted, true)
        }
        for continuation in admitted { continuation.resume() }
        guard let granted else { throw Self.busy }
        guard !granted else { return }
        await withCheckedContinuation { continuation in
            let grantedNow = state.withLock { state -> Bool in
                // A permit freed between the two looks is taken here rather than queued for.
                if state.waiting.isEmpty, state.inUse < limit(state, at: instant) {
                    state.inUse += 1
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if grantedNow { continuation.resume() }
        }
    }

    /// Takes waiters off the queue, in order, while fewer than `limit` run.
    private static func admitWaiters(_ state: inout State, limit: Int) -> [CheckedContinuation<Void, Never>] {
        var admitted: [CheckedContinuation<Void, Never>] = []
        while let first = state.waiting.first, state.inUse < limit {
            state.waiting.removeFirst()
            state.inUse += 1
            admitted.append(first)
        }
        return admitted
    }

    /// Gives the permit back and lets in as many waiters, in order, as the limit now allows.
    private func release() {
        let instant = now()
        let admitted = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.inUse -= 1
            // At least the one freed permit goes on (the limit is never below 1): the queue moves.
            return Self.admitWaiters(&state, limit: limit(state, at: instant))
        }
        for continuation in admitted { continuation.resume() }
    }
}
