import Foundation
import GRDB
import HTTPTypes
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

private func seedTwoArticles(_ seed: Seeder) async throws {
    try await seed.author("alex-kim")
    try await seed.article("read-me", author: "alex-kim", publishedAt: seed.daysAgo(1))
    try await seed.article("also-me", author: "alex-kim", publishedAt: seed.daysAgo(2))
    try await seed.article("draft", author: "alex-kim", publishedAt: nil)
    try await seed.article("soon", author: "alex-kim", publishedAt: seed.now.adding(days: 1))
}

private func storedViews(_ database: AppDatabase, _ slug: String) async throws -> Int {
    try await database.reader.read { db in
        try Int.fetchOne(db, sql: "SELECT views FROM articles WHERE slug = ?", arguments: [slug])!
    }
}

@Suite struct ViewCounterTests {
    /// 1,000 views from 50 concurrent tasks, de-duplication off: exactly 1,000 in memory,
    /// exactly 1,000 in the database after one flush, and in the per-day counts.
    @Test func concurrentViewsAreCountedExactly() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(path: folder.databasePath)
        let clock = TestClock()
        try await seedTwoArticles(Seeder(database, now: clock.now))
        let store = SQLiteViewStore(database: database, clock: clock.contentClock)
        let counter = ViewCounter(
            store: store,
            clock: clock.contentClock,
            settings: .init(dedupeWindowSeconds: 0),
            logger: Logger(label: "test")
        )
        let id = try #require(try await store.viewable(slug: Slug(parsing: "read-me")!))
        await withTaskGroup(of: Void.self) { group in
            for task in 0..<50 {
                group.addTask {
                    for _ in 0..<20 {
                        counter.record(articleID: id, visitor: Visitor(address: "10.0.0.\(task)", userAgent: "x"))
                    }
                }
            }
        }
        #expect(try await counter.total(of: id) { 0 } == 1000)
        #expect(try await counter.flush() == 1000)
        #expect(try await counter.flush() == 0)
        #expect(try await storedViews(database, "read-me") == 1000)
        #expect(try await counter.total(of: id) { try await store.storedViews(of: id) } == 1000)
        let daily = try database.reader.read { db in
            try Row.fetchAll(db, sql: "SELECT day, views FROM article_views_daily")
        }
        #expect(daily.count == 1)
        #expect(daily.first?["day"] == "2026-11-28")
        #expect(daily.first?["views"] == 1000)
    }

    @Test func theSameVisitorCountsOncePerWindow() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(path: folder.databasePath)
        let clock = TestClock()
        let store = SQLiteViewStore(database: database, clock: clock.contentClock)
        let counter = ViewCounter(
            store: store,
            clock: clock.contentClock,
            settings: .init(dedupeWindowSeconds: 1800),
            logger: Logger(label: "test")
        )
        let alice = Visitor(address: "192.0.2.1", userAgent: "Firefox")
        #expect(counter.record(articleID: 1, visitor: alice))
        #expect(!counter.record(articleID: 1, visitor: alice))
        #expect(counter.record(articleID: 2, visitor: alice), "another article")
        #expect(
            counter.record(articleID: 1, visitor: Visitor(address: "192.0.2.1", userAgent: "Safari")),
            "another browser"
        )
        #expect(
            counter.record(articleID: 1, visitor: Visitor(address: "192.0.2.2", userAgent: "Firefox")),
            "another address"
        )
        clock.advance(seconds: 1799)
        #expect(!counter.record(articleID: 1, visitor: alice))
        clock.advance(seconds: 1)
        #expect(counter.record(articleID: 1, visitor: alice), "window over")
        #expect(try await counter.total(of: 1) { 0 } == 4)
    }

    @Test func oneAddressAddsAtMostItsBoundPerWindowWhateverUserAgentsItSends() async throws {
        let clock = TestClock()
        let counter = ViewCounter(
            store: NoStore(),
            clock: clock.contentClock,
            settings: .init(dedupeWindowSeconds: 1800, maximumPerAddress: 10),
            logger: Logger(label: "test")
        )
        var counted = 0
        for index in 0..<1000 {
            let visitor = Visitor(address: "192.0.2.1", userAgent: "curl/\(index)")
            if counter.record(articleID: 1, visitor: visitor) { counted += 1 }
        }
        #expect(counted == 10)
        #expect(counter.record(articleID: 2, visitor: Visitor(address: "192.0.2.1", userAgent: "x")), "another article")
        #expect(counter.record(articleID: 1, visitor: Visitor(address: "192.0.2.2", userAgent: "x")), "another address")
        clock.advance(seconds: 1800)
        #expect(counter.record(articleID: 1, visitor: Visitor(address: "192.0.2.1", userAgent: "curl/0")), "new window")
        #expect(try await counter.total(of: 1) { 0 } == 12)
    }

    @Test func aFloodOfDistinctVisitorsIsRememberedInBoundedMemory() async throws {
        let counter = ViewCounter(
            store: NoStore(),
            clock: TestClock().contentClock,
            settings: .init(dedupeWindowSeconds: 1800, rememberedVisitors: 1000),
            logger: Logger(label: "test")
        )
        for index in 0..<20_000 {
            #expect(
                counter.record(
                    articleID: 1,
                    visitor: Visitor(address: "10.0.\(index / 256).\(index % 256)", userAgent: "")
                )
            )
        }
        #expect(counter.rememberedVisitors <= 1000)
        // The most recent visitors are still known and count once.
        #expect(!counter.record(articleID: 1, visitor: Visitor(address: "10.0.78.31", userAgent: "")))
    }

    @Test func aFailedFlushKeepsItsCountsForTheNextOne() async throws {
        final class FailingOnce: ViewSink {
            let failures = Mutex(1)
            let written = Mutex(0)
            func add(_ counts: [ViewCounter.Bucket: Int]) async throws {
                let fail = failures.withLock { remaining in
                    defer { remaining = max(0, remaining - 1) }
                    return remaining > 0
                }
                if fail { throw CancellationError() }
                written.withLock { $0 += counts.values.reduce(0, +) }
            }
        }
        let store = FailingOnce()
        let counter = ViewCounter(
            store: store,
            clock: TestClock().contentClock,
            settings: .init(dedupeWindowSeconds: 0),
            logger: Logger(label: "test")
        )
        counter.record(articleID: 1, visitor: nil)
        counter.record(articleID: 1, visitor: nil)
        await #expect(throws: CancellationError.self) { try await counter.flush() }
        #expect(try await counter.total(of: 1) { 0 } == 2)
        #expect(try await counter.flush() == 2)
        #expect(store.written.withLock { $0 } == 2)
    }

    /// A total asked for while a slow flush is under way, the database already holding the
    /// flushed view and the counter not yet told: the view is counted once. (It was answered
    /// twice, stored and unflushed, once five quick retries had all overlapped the flush: a
    /// PostgreSQL flush under load outlasts them.)
    @Test func aTotalDuringASlowFlushCountsTheViewOnce() async throws {
        final class SlowStore: ViewSink {
            let stored = Mutex(100)
            let committed = AsyncStream.makeStream(of: Void.self)
            func add(_ counts: [ViewCounter.Bucket: Int]) async throws {
                stored.withLock { $0 += counts.values.reduce(0, +) }
                committed.continuation.yield()
                // Committed; the flush returns a while later.
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        let store = SlowStore()
        let counter = ViewCounter(
            store: store,
            clock: TestClock().contentClock,
            settings: .init(dedupeWindowSeconds: 0),
            logger: Logger(label: "test")
        )
        counter.record(articleID: 1, visitor: nil)
        let flushing = Task { try await counter.flush() }
        var committed = store.committed.stream.makeAsyncIterator()
        await committed.next()
        #expect(try await counter.total(of: 1) { store.stored.withLock { $0 } } == 101)
        #expect(try await flushing.value == 1)
        #expect(try await counter.total(of: 1) { store.stored.withLock { $0 } } == 101)
    }
}

@Suite struct ViewEndpointTests {
    @Test func aViewIsCountedAndTheTotalReturned() async throws {
        try await withApp(trustProxy: true, views: .init(flushInterval: .seconds(3600)), seed: seedTwoArticles) {
            client,
            database async throws in
            let first = try await client.send(
                .post,
                "/v1/articles/read-me/views",
                headers: [.xForwardedFor: "192.0.2.1"]
            )
            #expect(first.status == .ok)
            #expect(first.headers[.cacheControl] == "no-store")
            #expect(try first.json["data"]["views"].int == 1)
            let second = try await client.send(
                .post,
                "/v1/articles/read-me/views",
                headers: [.xForwardedFor: "192.0.2.2"]
            )
            #expect(try second.json["data"]["views"].int == 2)
            let repeated = try await client.send(
                .post,
                "/v1/articles/read-me/views",
                headers: [.xForwardedFor: "192.0.2.2"]
            )
            #expect(try repeated.json["data"]["views"].int == 2, "same visitor within 30 minutes")
            #expect(try await storedViews(database, "read-me") == 0, "not flushed yet")
        }
    }

    @Test func viewsOfDraftsScheduledAndUnknownArticlesAre404AndCountNothing() async throws {
        try await withApp(views: .init(flushInterval: .milliseconds(10)), seed: seedTwoArticles) {
            client,
            database async throws in
            for slug in ["draft", "soon", "missing", "NOT-A-SLUG"] {
                let response = try await client.send(.post, "/v1/articles/\(slug)/views")
                #expect(response.status == .notFound, "\(slug)")
            }
            // A view that counts, sent after them: once it is stored, a flush has taken
            // everything counted before it, so anything of the refused ones would show.
            let before = try await storedViews(database, "read-me")
            #expect(try await client.send(.post, "/v1/articles/read-me/views").status.code < 300)
            let flushed = ContinuousClock.now
            while try await storedViews(database, "read-me") == before, ContinuousClock.now - flushed < .seconds(10) {
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(try await storedViews(database, "read-me") == before + 1)
            let total = try await database.reader.read { db in
                try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(views), 0) FROM article_views_daily")!
            }
            #expect(total == 1, "only the published article's view")
            #expect(try await storedViews(database, "draft") == 0)
            #expect(try await storedViews(database, "soon") == 0)
        }
    }

    @Test(arguments: AppEngine.available) func anArticleUnpublishedOrRenamedAfterAViewIsNoLongerCountedUnderItsOldSlug(
        engine: AppEngine
    ) async throws {
        try await withApp(on: engine, views: .init(dedupeWindowSeconds: 0), seed: seedTwoArticles) {
            client,
            storage async throws in
            let token = try await storage.token([.contentWrite])
            #expect(try await client.send(.post, "/v1/articles/read-me/views").status == .ok)
            #expect(try await client.send(.post, "/v1/articles/also-me/views").status == .ok)
            _ = try await client.send(.patch, "/v1/articles/read-me", json: #"{"status":"draft"}"#, token: token)
            _ = try await client.send(.patch, "/v1/articles/also-me", json: #"{"slug":"renamed"}"#, token: token)
            #expect(try await client.send(.post, "/v1/articles/read-me/views").status == .notFound)
            #expect(try await client.send(.post, "/v1/articles/also-me/views").status == .notFound)
            let renamed = try await client.send(.post, "/v1/articles/renamed/views")
            #expect(try renamed.json["data"]["views"].int == 2)
        }
    }

    @Test(arguments: AppEngine.available) func flushedViewsShowInTheArticleWithinAnInterval(engine: AppEngine)
        async throws
    {
        // No response cache: a cached answer may lag the count by its max-age, on purpose
        // (`viewFlushesKeepCachedResponsesUntilTheyAreMaxAgeOld`); this is the store's lag.
        try await withApp(
            on: engine,
            views: .init(flushInterval: .milliseconds(20), dedupeWindowSeconds: 0),
            cacheMaxBytes: 0,
            seed: seedTwoArticles
        ) { client, storage async throws in
            for _ in 0..<5 {
                _ = try await client.send(.post, "/v1/articles/read-me/views")
            }
            var views = 0
            for _ in 0..<100 where views < 5 {
                try await Task.sleep(for: .milliseconds(20))
                views = try await client.get("/v1/articles/read-me").json["data"]["views"].int ?? 0
            }
            #expect(views == 5)
        }
    }

    /// Graceful shutdown flushes what the interval has not: with an hour-long interval, only
    /// the shutdown flush can have written these.
    @Test func everyCountedViewIsFlushedOnShutdown() async throws {
        let folder = try TemporaryFolder()
        let configuration = AppConfiguration(
            databasePath: folder.databasePath,
            logLevel: .error,
            views: .init(flushInterval: .seconds(3600), dedupeWindowSeconds: 0)
        )
        let clock = TestClock()
        let app = try await buildApplication(configuration, clock: clock.contentClock)
        let database = try AppDatabase(path: folder.databasePath)
        try await seedTwoArticles(Seeder(database, now: clock.now))
        try await app.test(.router) { client async throws in
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<10 {
                    group.addTask { () async throws in
                        for _ in 0..<25 {
                            #expect(try await client.send(.post, "/v1/articles/read-me/views").status == .ok)
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await storedViews(database, "read-me") == 0)
        }
        #expect(try await storedViews(database, "read-me") == 250)
    }
}

@Suite struct PopularTests {
    /// Views on hand-built days: a long-ago favourite, this week's favourite, today's favourite.
    private static func seedViews(_ seed: Seeder) async throws {
        try await seed.author("alex-kim")
        try await seed.article("classic", author: "alex-kim", publishedAt: seed.daysAgo(200), views: 500)
        try await seed.article("weekly", author: "alex-kim", publishedAt: seed.daysAgo(20), views: 60)
        try await seed.article("today", author: "alex-kim", publishedAt: seed.daysAgo(3), views: 40)
        try await seed.article("older-tie", author: "alex-kim", publishedAt: seed.daysAgo(4), views: 40)
        try await seed.article("unread", author: "alex-kim", publishedAt: seed.daysAgo(1))
        try await seed.article("draft", author: "alex-kim", publishedAt: nil, views: 999)
        let views: [(String, String, Int)] = [
            ("classic", "2026-06-01", 480), ("classic", "2026-11-10", 20), ("weekly", "2026-11-23", 60),
            ("today", "2026-11-28", 40), ("older-tie", "2026-11-27", 40), ("draft", "2026-11-28", 999),
        ]
        for (slug, day, count) in views {
            try await seed.dailyViews(of: slug, on: day, count)
        }
    }

    @Test(arguments: [
        ("24h", ["today", "older-tie"], [40, 40]),
        ("7d", ["weekly", "today", "older-tie"], [60, 40, 40]),
        ("30d", ["weekly", "today", "older-tie", "classic"], [60, 40, 40, 20]),
        ("all", ["classic", "weekly", "today", "older-tie"], [500, 60, 40, 40]),
    ])
    func popularRanksByViewsInTheWindowTiesNewestFirst(_ window: String, _ slugs: [String], _ counts: [Int])
        async throws
    {
        try await withApp(seed: Self.seedViews) { client, _ async throws in
            let response = try await client.get("/v1/popular?window=\(window)")
            #expect(response.status == .ok)
            let json = try response.json
            #expect(json["data"].slugs == slugs)
            #expect(json["data"].array.map { $0["views_in_window"].int ?? -1 } == counts)
            #expect(json["meta"]["window"].string == window)
        }
    }

    @Test(arguments: AppEngine.available) func popularDefaultsToSevenDaysAndHonoursTheLimit(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, seed: Self.seedViews) { client, _ async throws in
            let json = try await client.get("/v1/popular?limit=1").json
            #expect(json["data"].slugs == ["weekly"])
            #expect(json["meta"]["limit"].int == 1)
        }
    }

    @Test(arguments: ["window=1y", "limit=0", "limit=51", "page=2", "window="])
    func badPopularQueriesAre400(_ query: String) async throws {
        try await withApp(seed: Self.seedViews) { client, _ async throws in
            #expect(try await client.get("/v1/popular?\(query)").status == .badRequest)
        }
    }
}

/// A store that keeps nothing, for tests of counting alone.
private struct NoStore: ViewSink {
    func add(_ counts: [ViewCounter.Bucket: Int]) async throws {}
}
