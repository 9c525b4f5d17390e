import DequeModule
import Synchronization

/// Database capacity kept for requests with a token. At most `anonymousPermits` requests
/// without one do database work at once (cache misses, reads no cache keeps); the others
/// wait their turn, first come first served. A flood of expensive anonymous queries then
/// queues behind itself, and an editor's read or write still finds a connection free
/// (`Benchmarks/editors.sh` measures it). Answers from the response cache never wait.
public final class DatabaseReservation: Sendable {
    public let anonymousPermits: Int

    private struct State {
        var available: Int
        var waiting: Deque<CheckedContinuation<Void, Never>> = []
    }

    private let state: Mutex<State>

    /// `connections`: what the engine reads with at once; a quarter of them, at least two,
    /// are kept for requests with a token (at least one is always left to the public): 3 of
    /// SQLite's 5 readers go to the public, 12 of PostgreSQL's 16 connections.
    public init(connections: Int) {
        anonymousPermits = max(1, connections - max(2, connections / 4))
        state = Mutex(State(available: anonymousPermits))
    }

    /// Requests without a token waiting for a permit now.
    public var waiting: Int { state.withLock { $0.waiting.count } }

    /// Runs `work` once a permit is free.
    func run<Result>(_ work: () async throws -> Result) async throws -> Result {
        await acquire()
        defer { release() }
        return try await work()
    }

    private func acquire() async {
        let granted = state.withLock { state -> Bool in
            guard state.available > 0 else { return false }
            state.available -= 1
            return true
        }
        guard !granted else { return }
        await withCheckedContinuation { continuation in
            let grantedNow = state.withLock { state -> Bool in
                // A permit freed between the two looks is taken here rather than queued for.
                if state.available > 0 {
                    state.available -= 1
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if grantedNow { continuation.resume() }
        }
    }

    /// Hands the permit to the first waiter, or puts it back.
    private func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if let first = state.waiting.popFirst() { return first }
            state.available += 1
            return nil
        }
        next?.resume()
    }
}
