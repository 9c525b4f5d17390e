import MastheadTestSupport
import Synchronization
import Testing

@testable import Masthead
@testable import MastheadDomain

/// The next scheduled publication, as the response cache knows it.
@Suite struct PublicationScheduleTests {
    /// The database's answer, and a gate that holds the first look-up until the test lets
    /// it go.
    private final class Database: Sendable {
        let next = Mutex<Timestamp?>(nil)
        let held = Mutex<CheckedContinuation<Void, Never>?>(nil)
        let hold = Mutex(true)
        let started = AsyncStream<Void>.makeStream()

        func lookUp() async -> Timestamp? {
            let answer = next.withLock { $0 }
            if hold.withLock({ held in
                defer { held = false }; return held
            }) {
                started.continuation.yield()
                await withCheckedContinuation { continuation in held.withLock { $0 = continuation } }
            }
            return answer
        }

        func release() async {
            while true {
                if let continuation = held.withLock({ held in
                    defer { held = nil }; return held
                }) {
                    continuation.resume()
                    return
                }
                await Task.yield()
            }
        }
    }

    /// A look-up that read the database before a write, and answers after it, does not
    /// overwrite what the write set: the article that write scheduled still empties the cache
    /// when its time comes.
    @Test func aLookUpFromBeforeAWriteDoesNotHideTheScheduleTheWriteSet() async throws {
        let clock = TestClock()
        let database = Database()
        let schedule = PublicationSchedule(clock: clock.contentClock) { _ in await database.lookUp() }
        let cache = ResponseCache(maximumBytes: 1 << 20)

        // A read starts checking: nothing is scheduled yet, and its look-up is held.
        let read = Task { try await schedule.expireIfDue(cache) }
        var started = database.started.stream.makeAsyncIterator()
        await started.next()
        // Meanwhile a write schedules an article an hour from now and refreshes the schedule.
        database.next.withLock { $0 = clock.now.adding(seconds: 3_600) }
        schedule.refresh()
        // The held look-up answers what it read before the write.
        await database.release()
        try await read.value

        let before = cache.generation(of: .articles)
        clock.advance(seconds: 3_601)
        try await schedule.expireIfDue(cache)
        #expect(cache.generation(of: .articles) == before + 1, "the scheduled article's time came")
    }
}
