import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MastheadTestSupport
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

@testable import Masthead
@testable import MastheadDomain

/// PostgreSQL stopped under a running instance, as a restart or a failover does, while a
/// client keeps writing: cached anonymous reads are still answered (stale), everything
/// else is a prompt 503 with `Retry-After`, nothing acknowledged is lost, and the instance is
/// ready again within two seconds of the server's return. The server is the test's own
/// (`PrivatePostgres`: root and PostgreSQL's programs, as CI has); skipped elsewhere.
@Suite struct PostgresOutageTests {
    static let required = ProcessInfo.processInfo.environment["MASTHEAD_REQUIRE_POSTGRES"] == "1"

    typealias Answer = MultiInstanceTests.Answer

    static func request(
        _ port: Int,
        _ path: String,
        method: HTTPRequest.Method = .get,
        token: String? = nil,
        body: String? = nil
    ) async throws -> Answer {
        try await MultiInstanceTests.request(port, path, method: method, token: token, body: body)
    }

    @Test(
        .enabled(if: PrivatePostgres.isAvailable || required),
        .timeLimit(.minutes(3))
    )
    func readsStayAnsweredWhileTheDatabaseIsAwayAndTheInstanceIsReadySoonAfterItReturns() async throws {
        try #require(PrivatePostgres.isAvailable, "MASTHEAD_REQUIRE_POSTGRES=1 but no root or no initdb")
        let postgres = try await PrivatePostgres.start()
        var configuration = AppConfiguration(port: 0, databasePath: postgres.url, loadDemoContent: true)
        configuration.databaseConnections = 4
        configuration.logLevel = .critical
        configuration.rateLimit = .off
        let token = Mutex<String?>(nil)
        let instance = try await MultiInstanceTests.start(configuration) { secret in
            token.withLock { $0 = secret.secret }
        }
        // Stopped however the test ends; at its end, gracefully and awaited.
        defer { Task { await instance.group.triggerGracefulShutdown() } }
        let admin = try #require(token.withLock { $0 })
        let port = instance.port

        // Cached before the outage: the author list (the writer's new tags make cached
        // article lists stale, but not author lists).
        let warm = try await Self.request(port, "/v1/authors?limit=5")
        #expect(warm.status == .ok)
        #expect(try await Self.request(port, "/v1/authors?limit=5").headers[.xCache] == "hit")

        // A client writing tags throughout, noting what was acknowledged and what else it got.
        let acknowledged = Mutex<[String]>([])
        let otherStatuses = Mutex<[UInt16: Int]>([:])
        let writer = Task {
            var index = 0
            while !Task.isCancelled {
                index += 1
                let slug = "outage-\(index)"
                var answer: Answer?
                do {
                    answer = try await Self.request(
                        port,
                        "/v1/tags",
                        method: .post,
                        token: admin,
                        body: #"{"slug": "\#(slug)", "name": "Outage \#(index)"}"#
                    )
                } catch {
                    if !Task.isCancelled { print("PostgresOutageTests: POST /v1/tags failed: \(error)") }
                }
                if Task.isCancelled { break }
                if let answer, answer.status == .created {
                    acknowledged.withLock { $0.append(slug) }
                } else {
                    if let answer, answer.status != .serviceUnavailable {
                        print("PostgresOutageTests: POST /v1/tags: \(answer.status) \(answer.body)")
                    }
                    let code = UInt16(answer?.status.code ?? 0)
                    otherStatuses.withLock { $0[code, default: 0] += 1 }
                }
                try? await Task.sleep(for: .milliseconds(50))
            }
        }
        defer { writer.cancel() }
        // A few writes acknowledged before the outage (waited for, not timed: the whole suite
        // may be running beside this test).
        let acknowledgedSome = try await lookUntil(within: .seconds(30)) { acknowledged.withLock { $0.count } >= 3 }
        try #require(acknowledgedSome, "the writer's first writes are acknowledged")
        try await postgres.stop()

        // The instance notices at once (its connections were closed under it).
        var notReady = false
        for _ in 0..<50 where !notReady {
            notReady = try await Self.request(port, "/readyz").status == .serviceUnavailable
            if !notReady { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(notReady, "/readyz says the database is away")

        let stale = try await Self.request(port, "/v1/authors?limit=5")
        #expect(stale.status == .ok, "a cached read is still answered")
        #expect(stale.headers[.xCache] == "stale")
        #expect(stale.headers[.cacheControl] == "public, max-age=0, must-revalidate")
        #expect(stale.body == warm.body)

        // Not cached, with a token, or a write: a prompt 503 saying when to try again. The bound
        // is generous; before, these waited in the pool's queue for 15 s or more.
        for (path, method, credential, body) in [
            ("/v1/articles?limit=2", HTTPRequest.Method.get, nil as String?, nil as String?),
            ("/v1/authors?limit=5", .get, admin, nil),
            ("/v1/tags", .post, admin, #"{"slug": "refused", "name": "Refused"}"#),
        ] {
            let refused = try await Self.request(port, path, method: method, token: credential, body: body)
            #expect(refused.status == .serviceUnavailable, "\(method) \(path)")
            #expect(refused.headers[.retryAfter] == "2")
            #expect(refused.headers[.contentType] == "application/problem+json")
            #expect(refused.body.contains(#""code":"database_unavailable""#), "\(refused.body)")
            #expect(refused.took < .seconds(5), "\(method) \(path) took \(refused.took)")
        }

        // Away for eight seconds in all: long enough that the pool's own back-off alone would
        // have kept the instance unready for seconds after the return.
        try await Task.sleep(for: .seconds(7))
        try #require(try await postgres.startServer())
        let returned = ContinuousClock.now
        let ready = try await lookUntil(within: .seconds(10)) { try await Self.request(port, "/readyz").status == .ok }
        let readyAfter = ContinuousClock.now - returned
        print("PostgresOutageTests: ready \(readyAfter) after the database was back")
        #expect(ready)
        #expect(readyAfter < .seconds(2), "ready \(readyAfter) after the database's return")

        // What was cached before the outage is not trusted after it: read again from the
        // database (other instances may have written while this one could not hear them),
        // then cached again once the instance hears other instances' writes again.
        let fresh = try await Self.request(port, "/v1/authors?limit=5")
        #expect(fresh.status == .ok)
        #expect(fresh.headers[.xCache] == "miss")
        let cachedAgain = try await lookUntil(within: .seconds(10)) {
            try await Self.request(port, "/v1/authors?limit=5").headers[.xCache] == "hit"
        }
        #expect(cachedAgain, "the cache answers again once the change feed listens")
        let metrics = try await Self.request(port, "/metrics")
        #expect(metrics.body.contains("masthead_cache_stale_hits_total 1"), "the one stale answer is counted")

        // Writes are accepted again, then the writer stops; every acknowledged tag is there.
        var writing = false
        for _ in 0..<100 where !writing {
            try await Task.sleep(for: .milliseconds(50))
            let count = acknowledged.withLock { $0.count }
            try await Task.sleep(for: .milliseconds(200))
            writing = acknowledged.withLock { $0.count } > count
        }
        #expect(writing, "writes succeed again")
        writer.cancel()
        try await finishes(within: .seconds(30), "the writer") { await writer.value }
        let written = acknowledged.withLock { $0 }
        // 0: no answer at all (the connection was dropped or timed out).
        let unexpected = otherStatuses.withLock { $0 }.filter { $0.key != 503 }
        #expect(unexpected.isEmpty, "the writer saw only 201 or 503: \(unexpected)")
        for slug in written {
            #expect(try await Self.request(port, "/v1/tags/\(slug)").status == .ok, "acknowledged \(slug) is kept")
        }
        #expect(written.count >= 4, "acknowledged before and after the outage")

        await instance.group.triggerGracefulShutdown()
        try await finishes(within: .seconds(30), "the instance's shutdown") { try? await instance.running.value }
    }
}
