import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MastheadPostgres
import MastheadSQLite
import MastheadTestSupport
import NIOCore
import PostgresNIO
import ServiceLifecycle
import Synchronization
import Testing

@testable import Masthead
@testable import MastheadDomain

/// Two Masthead instances on one PostgreSQL database, as behind a load balancer.
@Suite(.enabled(if: PostgresTestServer.isConfigured, "set MASTHEAD_TEST_POSTGRES_URL to run the PostgreSQL tests"))
struct MultiInstanceTests {
    /// A running instance: its port, and the task running it until graceful shutdown.
    struct Instance {
        let port: Int
        let group: ServiceGroup
        let running: Task<Void, any Error>
    }

    static func start(
        _ configuration: AppConfiguration,
        onDemoToken: (APIToken) -> Void = { _ in }
    ) async throws -> Instance {
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = try await buildApplication(
            configuration,
            logger: Logger(label: "multi-instance-test"),
            onDemoToken: onDemoToken,
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            }
        )
        let group = makeServiceGroup(
            running: app,
            shutdownTimeout: .seconds(10),
            signals: [],
            logger: Logger(label: "multi-instance-test")
        )
        let running = Task { try await group.run() }
        var iterator = ports.makeAsyncIterator()
        return Instance(port: try #require(await iterator.next()), group: group, running: running)
    }

    /// The first instance on a new database: it loads the demo and makes the admin token.
    /// Returns the configuration for more instances, views counted every time.
    static func startFirst() async throws -> (ScratchDatabase, AppConfiguration, Instance, admin: String) {
        let scratch = try await PostgresTestServer.makeEmptyDatabase()
        var configuration = AppConfiguration(port: 0, databasePath: scratch.url, loadDemoContent: true)
        configuration.databaseConnections = 4
        configuration.logLevel = .error
        configuration.views.dedupeWindowSeconds = 0
        // Every test client is one address: the limit is tested where it is the subject (a
        // fast run sent more than its burst, and the survivor answered 429).
        configuration.rateLimit = .off
        let token = Mutex<String?>(nil)
        let first = try await start(configuration) { secret in token.withLock { $0 = secret.secret } }
        return (scratch, configuration, first, try #require(token.withLock { $0 }))
    }

    /// What an instance answered, and how long it took.
    struct Answer {
        let status: HTTPResponse.Status
        let headers: HTTPFields
        let body: String
        let took: Duration
    }

    static func request(
        _ port: Int,
        _ path: String,
        method: HTTPRequest.Method = .get,
        token: String? = nil,
        body: String? = nil
    ) async throws -> Answer {
        let started = ContinuousClock.now
        return try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            var headers: HTTPFields = [:]
            if let token { headers[.authorization] = "Bearer \(token)" }
            if body != nil { headers[.contentType] = "application/json" }
            let response = try await client.execute(
                .init(path, method: method, headers: headers, body: body.map { ByteBuffer(string: $0) } ?? ByteBuffer())
            )
            return Answer(
                status: response.status,
                headers: response.headers,
                body: response.body.map { String(buffer: $0) } ?? "",
                took: ContinuousClock.now - started
            )
        }
    }

    // A guard against a hang, not a measure: the whole suite shares two cores in CI.
    @Test(.timeLimit(.minutes(4)))
    func aWriteOnOneIsReadOnTheOtherAndViewsOnBothAreSummed() async throws {
        var (scratch, configuration, first, admin) = try await Self.startFirst()
        configuration.loadDemoContent = false
        let second = try await Self.start(configuration)

        // The second instance caches the tag list; the first then writes a tag, twenty times.
        var delays: [Duration] = []
        for round in 1...20 {
            #expect(try await Self.request(second.port, "/v1/tags?limit=100").status == .ok)
            #expect(!(try await Self.request(second.port, "/v1/tags?limit=100").body.contains("\"shared-\(round)\"")))
            let created = try await Self.request(
                first.port,
                "/v1/tags",
                method: .post,
                token: admin,
                body: #"{"name": "Shared \#(round)"}"#
            )
            #expect(created.status == .created)
            let written = ContinuousClock.now
            let seen = try await lookUntil(within: .seconds(5), every: .milliseconds(1)) {
                try await Self.request(second.port, "/v1/tags?limit=100").body.contains("\"shared-\(round)\"")
            }
            try #require(seen, "the second instance kept serving its cached list")
            delays.append(ContinuousClock.now - written)
        }
        // Each write must reach the other instance (within 5 s, above); how fast is a
        // figure, printed here and held to its target by the benchmark's staleness probe
        // (Benchmarks/staleness.py), not asserted: beside the whole parallel suite and a
        // browser on two cores, one write took 608 ms in CI.
        delays.sort()
        print("cross-instance staleness over 20 writes: p50 \(delays[9]), max \(delays[19])")

        // Views counted on both instances all reach the database.
        for instance in [first, second] {
            for _ in 0..<7 {
                let counted = try await Self.request(
                    instance.port,
                    "/v1/articles/go-in-production/views",
                    method: .post
                )
                #expect(counted.status == .ok)
            }
        }
        // Both stop cleanly, each flushing what it counted.
        for instance in [first, second] {
            await instance.group.triggerGracefulShutdown()
            try await instance.running.value
        }
        let database = try await PostgresTestDatabase(location: scratch.location)
        let views = try await database.engine.client.query(
            "SELECT views FROM articles WHERE slug = 'go-in-production'",
            logger: PostgresTestServer.logger
        ).first { try $0["views"] as Int }
        let before = try #require(
            try await SQLiteDemoViews.views(of: "go-in-production"),
            "the demo's own view count of the article"
        )
        #expect(views == before + 14)
        withExtendedLifetime(scratch) {}
    }

    /// An image uploaded through one instance is served by the other, which copies its
    /// original out of the database into its own cache (each instance has a folder of its own).
    // A guard against a hang, not a measure: the whole suite shares two cores in CI.
    @Test(.timeLimit(.minutes(4)))
    func anImageUploadedThroughOneIsServedByTheOther() async throws {
        var (scratch, configuration, first, admin) = try await Self.startFirst()
        configuration.loadDemoContent = false
        let second = try await Self.start(configuration)
        // A 64 × 48 grey PNG, the one docs/integrators.md uploads.
        let png = try #require(
            Data(
                base64Encoded:
                    "iVBORw0KGgoAAAANSUhEUgAAAEAAAAAwCAAAAACEICPDAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAJ0lEQVRIie3MQREAAAwCIPsnM5Yh9ttBANKjCAQCgUAgEAgEgq/BAGVMYIgON3xIAAAAAElFTkSuQmCC"
            )
        )
        let authorization = "Bearer \(admin)"
        let created = try await TestClient.withClient(host: "127.0.0.1", port: first.port) { client in
            try await client.execute(
                .init(
                    "/v1/media?filename=grey.png",
                    method: .post,
                    headers: [.authorization: authorization],
                    body: ByteBuffer(bytes: png)
                )
            )
        }
        #expect(created.status == .created)
        let asset = try JSONDecoder().decode(JSONValue.self, from: Data(buffer: try #require(created.body)))["data"]
        let url = try #require(asset["url"].string)
        let served = try await Self.request(second.port, url.replacingOccurrences(of: "/full/", with: "/w320-png/"))
        #expect(served.status == .ok)
        #expect(served.headers[.contentType] == "image/png")
        let listed = try await Self.request(second.port, "/v1/media", token: admin)
        #expect(listed.body.contains(try #require(asset["hash"].string)))
        for instance in [first, second] {
            await instance.group.triggerGracefulShutdown()
            try await instance.running.value
        }
        withExtendedLifetime(scratch) {}
    }

    /// With the response cache off, a list's total is still kept between writes on each
    /// instance (`ListCounts`): a write through one must move the total the other serves.
    // A guard against a hang, not a measure: the whole suite shares two cores in CI.
    @Test(.timeLimit(.minutes(4)))
    func aListsTotalFollowsAWriteOnTheOtherInstance() async throws {
        var (scratch, configuration, first, admin) = try await Self.startFirst()
        configuration.loadDemoContent = false
        configuration.cacheMaxBytes = 0
        let second = try await Self.start(configuration)
        func total(_ port: Int) async throws -> Int? {
            let body = try await Self.request(port, "/v1/articles?limit=1").body
            return try JSONDecoder().decode(JSONValue.self, from: Data(body.utf8))["meta"]["pagination"]["total"].int
        }
        let before = try #require(try await total(second.port))
        #expect(try await total(second.port) == before)
        let created = try await Self.request(
            first.port,
            "/v1/articles",
            method: .post,
            token: admin,
            body: #"{"title":"Counted Elsewhere","body_markdown":"Words.","author":"alex-kim","status":"published"}"#
        )
        #expect(created.status == .created)
        let seen = try await lookUntil(within: .seconds(5), every: .milliseconds(5)) {
            try await total(second.port) == before + 1
        }
        #expect(seen, "the second instance kept serving the total from before the write")
        for instance in [first, second] {
            await instance.group.triggerGracefulShutdown()
            try await instance.running.value
        }
        withExtendedLifetime(scratch) {}
    }

    /// One of two instances is killed (`kill -9`: no flush, no shutdown) while both take
    /// writes and views. Every write either acknowledged is in the database; the views it
    /// acknowledged but had not flushed (at most its last interval's and a flush under way) are the only loss;
    /// the other instance answers throughout and keeps everything it counted.
    @Test(.timeLimit(.minutes(4)))
    func killingOneInstanceLosesNoAcknowledgedWriteAndAtMostOneFlushOfViews() async throws {
        let (scratch, _, survivor, admin) = try await Self.startFirst()
        let flushInterval = Duration.seconds(1)
        let victim = try await ServerProcess.serve([
            "--db", scratch.url, "--db-connections", "4", "--port", "0", "--views-dedupe-window", "0",
            "--views-flush-interval", "1s", "--rate-limit", "0",
        ])
        let database = try await PostgresTestDatabase(location: scratch.location)
        let viewsAtStart = try await Self.storedViews(of: "go-in-production", database)

        let load = CrashLoad()
        try await withThrowingTaskGroup { group in
            for writer in 0..<2 {
                group.addTask {
                    var number = 0
                    while !load.stop.load(ordering: .relaxed) {
                        number += 1
                        let onSurvivor = number.isMultiple(of: 2)
                        let slug = "crash-\(writer)-\(number)"
                        let body =
                            #"{"title": "Crash \#(writer) \#(number)", "slug": "\#(slug)", "body_markdown": "Kept.", "author": "alex-kim", "tags": ["go"], "status": "published"}"#
                        let port = onSurvivor ? survivor.port : victim.port
                        let response = try? await Self.request(
                            port,
                            "/v1/articles",
                            method: .post,
                            token: admin,
                            body: body
                        )
                        if response?.status == .created {
                            load.acknowledged.withLock { $0.articles.append(slug) }
                        } else if onSurvivor {
                            load.acknowledged.withLock {
                                $0.survivorFailures.append("POST \(slug): \(response?.status.code ?? 0)")
                            }
                        }
                    }
                }
            }
            for viewer in 0..<4 {
                group.addTask {
                    let onSurvivor = viewer.isMultiple(of: 2)
                    while !load.stop.load(ordering: .relaxed) {
                        let port = onSurvivor ? survivor.port : victim.port
                        let response = try? await Self.request(
                            port,
                            "/v1/articles/go-in-production/views",
                            method: .post
                        )
                        let now = ContinuousClock.now
                        load.acknowledged.withLock { state in
                            switch (response?.status == .ok, onSurvivor) {
                            case (true, true): state.survivorViews += 1
                            case (true, false): state.victimViewTimes.append(now)
                            case (false, true):
                                state.survivorFailures.append("POST views: \(response?.status.code ?? 0)")
                            case (false, false): break
                            }
                        }
                        if !onSurvivor, load.killed.withLock({ $0 }) != nil {
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                }
            }
            // Long enough for several flushes, with enough load on both to judge, however busy
            // the machine is (at most 60 s).
            let loading = ContinuousClock.now
            while ContinuousClock.now - loading < .seconds(60) {
                let enough = load.acknowledged.withLock { $0.articles.count >= 30 && $0.victimViewTimes.count >= 30 }
                if enough && ContinuousClock.now - loading >= flushInterval * 4 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            victim.signal(SIGKILL)
            load.killed.withLock { $0 = .now }
            try await Task.sleep(for: .seconds(1))
            load.stop.store(true, ordering: .relaxed)
            try await group.waitForAll()
        }
        await survivor.group.triggerGracefulShutdown()
        try await survivor.running.value

        let state = load.acknowledged.withLock { $0 }
        let killedAt = try #require(load.killed.withLock { $0 })
        #expect(
            state.survivorFailures.isEmpty,
            "the surviving instance failed requests: \(state.survivorFailures.prefix(5))"
        )
        #expect(state.articles.count > 10 && state.victimViewTimes.count > 10, "too little load to judge")

        let stored = try await database.engine.client.query(
            "SELECT slug FROM articles WHERE slug = ANY(\(state.articles))",
            logger: PostgresTestServer.logger
        ).map { try $0["slug"] as String }
        #expect(Set(stored) == Set(state.articles), "acknowledged writes lost")

        let counted = try await Self.storedViews(of: "go-in-production", database) - viewsAtStart
        let acknowledgedViews = state.survivorViews + state.victimViewTimes.count
        let lost = acknowledgedViews - counted
        // Lost: what was counted after the last flush that committed. That flush began at
        // most one interval before the kill, and may itself have been under way for a while on
        // a busy machine: the views of the last two intervals may be lost, no more.
        let unflushable = state.victimViewTimes.filter { killedAt - $0 <= flushInterval * 2 }.count
        print(
            "kill -9 under load: \(state.articles.count) acknowledged writes kept; views acknowledged "
                + "\(acknowledgedViews) (\(state.victimViewTimes.count) by the killed instance), stored \(counted), "
                + "lost \(lost) (at most \(unflushable) allowed)"
        )
        #expect(lost >= 0, "more views stored than acknowledged")
        #expect(lost <= unflushable)
        withExtendedLifetime(scratch) {}
    }

    static func storedViews(of slug: String, _ database: PostgresTestDatabase) async throws -> Int {
        try await database.engine.client.query(
            "SELECT views FROM articles WHERE slug = \(slug)",
            logger: PostgresTestServer.logger
        ).first { try $0["views"] as Int } ?? 0
    }
}

/// What the instances of the kill test acknowledged, and when; shared by its load's tasks.
final class CrashLoad: Sendable {
    struct Acknowledged {
        var articles: [String] = []
        var survivorViews = 0
        var victimViewTimes: [ContinuousClock.Instant] = []
        var survivorFailures: [String] = []
    }

    let acknowledged = Mutex(Acknowledged())
    let killed = Mutex<ContinuousClock.Instant?>(nil)
    let stop = Atomic<Bool>(false)
}

/// What the demo publication starts with, read from the demo as SQLite builds it.
enum SQLiteDemoViews {
    static func views(of slug: String) async throws -> Int? {
        let demo = try AppDatabase.inMemory()
        _ = try await DemoContent.load(into: demo, now: ContentClock.system.now)
        let document = try await SQLitePortabilityStore(database: demo).export()
        return document.articles.first { $0.slug == slug }?.views
    }
}
