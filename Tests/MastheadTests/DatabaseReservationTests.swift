import Hummingbird
import HummingbirdTesting
import Logging
import MastheadSQLite
import MastheadStorage
import MastheadTestSupport
import Synchronization
import Testing

@testable import Masthead
@testable import MastheadDomain

/// Database capacity kept for requests with a token: the public's work queues behind its own
/// permits, an editor's does not, and answers from the cache never wait.
@Suite struct DatabaseReservationTests {
    @Test func aQuarterAtLeastTwoIsKeptForTokens() {
        #expect(DatabaseReservation(connections: 5).anonymousPermits == 3)
        #expect(DatabaseReservation(connections: 16).anonymousPermits == 12)
        #expect(DatabaseReservation(connections: 2).anonymousPermits == 1)
        #expect(DatabaseReservation(connections: 1).anonymousPermits == 1)
    }

    /// Waits until `condition` holds, checking as the test's tasks run (no fixed sleep).
    private static func eventually(_ condition: () -> Bool) async throws {
        let start = ContinuousClock.now
        while !condition() {
            try #require(ContinuousClock.now - start < .seconds(10), "timed out")
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func thePublicWaitsItsTurnInOrder() async throws {
        let reservation = DatabaseReservation(connections: 3)  // one permit for the public
        let (held, hold) = AsyncStream<Void>.makeStream()
        let order = Shared<[Int]>([])
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                try await reservation.run {
                    order.withLock { $0.append(0) }
                    for await _ in held { break }
                }
            }
            try await Self.eventually { order.withLock { $0 } == [0] }
            for index in 1...3 {
                group.addTask { try await reservation.run { order.withLock { $0.append(index) } } }
                try await Self.eventually { reservation.waiting == index }
            }
            #expect(order.withLock { $0 } == [0])
            hold.yield()
            try await group.waitForAll()
        }
        #expect(order.withLock { $0 } == [0, 1, 2, 3])
        #expect(reservation.waiting == 0)
    }

    /// While an editor is at work, the public's queries run one at a time; once the editor
    /// has been quiet for the window, they run as many at once as before.
    @Test func whileAnEditorWorksThePublicGetsOnePermit() async throws {
        let instant = Shared(ContinuousClock.now)
        let reservation = DatabaseReservation(connections: 5, editorWindow: .seconds(2)) { instant.withLock { $0 } }
        let (held, hold) = AsyncStream<Void>.makeStream()
        let running = Shared(0)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<2 {  // two of the three permits, before any editor
                group.addTask {
                    try await reservation.run {
                        running.withLock { $0 += 1 }
                        for await _ in held { break }
                    }
                }
            }
            try await Self.eventually { running.withLock { $0 } == 2 }
            reservation.noteEditor()
            group.addTask { try await reservation.run { running.withLock { $0 += 1 } } }
            try await Self.eventually { reservation.waiting == 1 }
            #expect(running.withLock { $0 } == 2, "a third waits while the editor works")
            instant.withLock { $0 += .seconds(3) }
            group.addTask { try await reservation.run { running.withLock { $0 += 1 } } }
            try await Self.eventually { running.withLock { $0 } == 4 }  // both let in: the window is over
            hold.finish()
            try await group.waitForAll()
        }
        #expect(reservation.waiting == 0)
    }

    /// With the public's only permit taken, an anonymous read that needs the database waits,
    /// while a token's read and an answer from the cache go through.
    @Test func anEditorDoesNotWaitBehindThePublic() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(path: folder.databasePath)
        _ = try await DemoContent.load(into: database, now: ContentClock.system.now)
        let stores = Stores.sqlite(database, clock: .system)
        let reservation = DatabaseReservation(connections: 3)
        let router = MastheadRouter(
            database: database,
            stores: stores,
            counter: ViewCounter(store: stores.views, clock: .system, settings: .init(), logger: Logger(label: "test")),
            cache: ResponseCache(maximumBytes: 1 << 20),
            clock: .system,
            reservation: reservation
        )
        let token = try await stores.tokens.create(name: "editor", scopes: [.contentRead], expiresAt: nil).0.secret
        try await Application(router: router.router).test(.router) { client in
            #expect(try await client.get("/v1/catalog").headers[.xCache] == "miss")
            let (held, hold) = AsyncStream<Void>.makeStream()
            let taken = Shared(false)
            let holding = Task {
                try await reservation.run {
                    taken.withLock { $0 = true }
                    for await _ in held { break }
                }
            }
            try await Self.eventually { taken.withLock { $0 } }
            let anonymous = Task { try await client.get("/v1/articles?limit=3") }
            try await Self.eventually { reservation.waiting == 1 }

            let editor = try await client.get("/v1/articles?status=draft", headers: [.authorization: "Bearer \(token)"])
            #expect(editor.status == .ok)
            let cached = try await client.get("/v1/catalog")
            #expect(cached.status == .ok && cached.headers[.xCache] == "hit")
            #expect(reservation.waiting == 1, "the public's read still waits")

            hold.yield()
            try await holding.value
            #expect(try await anonymous.value.status == .ok)
        }
    }
}

/// A value tasks share, behind a lock.
private final class Shared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>

    init(_ value: Value) { self.value = Mutex(value) }

    func withLock<Result>(_ body: (inout Value) -> Result) -> Result { value.withLock { body(&$0) } }
}
