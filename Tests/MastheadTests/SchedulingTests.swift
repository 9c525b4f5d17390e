import HummingbirdTesting
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

@Suite struct SchedulingTests {
    /// No job and no restart: the same running application starts serving a scheduled
    /// article the moment its publication time passes.
    @Test(arguments: AppEngine.available) func aScheduledArticleAppearsByItselfWhenItsTimeComes(engine: AppEngine)
        async throws
    {
        let clock = TestClock()
        try await withApp(
            on: engine,
            clock: clock,
            seed: { seed in
                try await seed.author("alex-kim")
                try await seed.tag("go")
                try await seed.article("now", author: "alex-kim", tags: ["go"], publishedAt: seed.daysAgo(1))
                try await seed.article(
                    "soon",
                    author: "alex-kim",
                    tags: ["go"],
                    publishedAt: seed.now.adding(seconds: 60)
                )
            }
        ) { client, _ async throws in
            #expect(try await client.get("/v1/articles").json["data"].slugs == ["now"])
            #expect(try await client.get("/v1/articles/soon").status == .notFound)
            #expect(try await client.get("/v1/tags/go").json["data"]["article_count"].int == 1)
            #expect(try await client.get("/v1/authors/alex-kim").json["data"]["article_count"].int == 1)

            clock.advance(seconds: 59)
            #expect(try await client.get("/v1/articles/soon").status == .notFound)

            clock.advance(seconds: 1)
            #expect(try await client.get("/v1/articles").json["data"].slugs == ["soon", "now"])
            let article = try await client.get("/v1/articles/soon").json["data"]
            #expect(article["status"].string == "published")
            #expect(article["published_at"].string == clock.now.rfc3339)
            #expect(try await client.get("/v1/tags/go").json["data"]["article_count"].int == 2)
            #expect(try await client.get("/v1/authors/alex-kim").json["data"]["article_count"].int == 2)
        }
    }

    /// A tag's timeline is read from the tag's links (0011), which carry their article's
    /// publication time: publishing, unpublishing, rescheduling and the clock all move it.
    @Test(arguments: AppEngine.available) func aTagTimelineFollowsPublishingUnpublishingAndTheClock(engine: AppEngine)
        async throws
    {
        let clock = TestClock()
        try await withApp(
            on: engine,
            clock: clock,
            seed: { seed in
                try await seed.author("alex-kim")
                try await seed.tag("go")
                try await seed.tag("api")
                try await seed.article("old", author: "alex-kim", tags: ["go"], publishedAt: seed.daysAgo(3))
                try await seed.article("live", author: "alex-kim", tags: ["api", "go"], publishedAt: seed.daysAgo(1))
                try await seed.article("draft", author: "alex-kim", tags: ["go"], publishedAt: nil)
                try await seed.article(
                    "later",
                    author: "alex-kim",
                    tags: ["go"],
                    publishedAt: seed.now.adding(seconds: 60)
                )
                try await seed.article("elsewhere", author: "alex-kim", tags: ["api"], publishedAt: seed.daysAgo(2))
            }
        ) { client, storage async throws in
            func timeline(_ query: String = "") async throws -> (slugs: [String], total: Int?) {
                let json = try await client.get("/v1/articles?tag=go" + query).json
                return (json["data"].slugs, json["meta"]["pagination"]["total"].int)
            }
            #expect(try await timeline() == (["live", "old"], 2))
            // Pages by cursor follow the same order.
            let first = try await client.get("/v1/articles?tag=go&limit=1").json
            #expect(first["data"].slugs == ["live"])
            let cursor = try #require(first["meta"]["pagination"]["next_cursor"].string)
            #expect(try await timeline("&limit=1&cursor=\(cursor)").slugs == ["old"])
            #expect(try await timeline("&published_after=\(clock.now.adding(days: -2).rfc3339)").slugs == ["live"])

            let token = try await storage.token([.contentWrite])
            try await Self.set(status: "published", of: "draft", client, token)
            #expect(try await timeline() == (["draft", "live", "old"], 3))
            try await Self.set(status: "draft", of: "live", client, token)
            #expect(try await timeline() == (["draft", "old"], 2))
            let past = clock.now.adding(days: -5).rfc3339
            _ = try await client.send(.patch, "/v1/articles/old", json: #"{"published_at":"\#(past)"}"#, token: token)
            #expect(try await timeline("&published_before=\(clock.now.adding(days: -4).rfc3339)").slugs == ["old"])

            clock.advance(seconds: 60)
            #expect(try await timeline() == (["later", "draft", "old"], 3))
            #expect(try await client.get("/v1/articles?tag=api").json["data"].slugs == ["elsewhere"])
        }
    }

    /// Search finds what the public may see now: an article body carries its article's
    /// publication time (PostgreSQL, 0005), and every way of moving it moves search too.
    @Test(arguments: AppEngine.available) func searchFollowsPublishingUnpublishingAndTheClock(engine: AppEngine)
        async throws
    {
        let clock = TestClock()
        try await withApp(
            on: engine,
            clock: clock,
            seed: { seed in
                try await seed.author("alex-kim")
                let body = "A lantern in the window."
                try await seed.article("old", author: "alex-kim", publishedAt: seed.daysAgo(3), body: body)
                try await seed.article("live", author: "alex-kim", publishedAt: seed.daysAgo(1), body: body)
                try await seed.article("draft", author: "alex-kim", publishedAt: nil, body: body)
                try await seed.article(
                    "later",
                    author: "alex-kim",
                    publishedAt: seed.now.adding(seconds: 60),
                    body: body
                )
            }
        ) { client, storage async throws in
            func found() async throws -> (slugs: Set<String>, total: Int?) {
                let json = try await client.get("/v1/search?q=lantern").json
                return (Set(json["data"].slugs), json["meta"]["pagination"]["total"].int)
            }
            #expect(try await found() == (["old", "live"], 2))
            let token = try await storage.token([.contentWrite])
            try await Self.set(status: "published", of: "draft", client, token)
            #expect(try await found() == (["old", "live", "draft"], 3))
            try await Self.set(status: "draft", of: "live", client, token)
            #expect(try await found() == (["old", "draft"], 2))
            clock.advance(seconds: 60)
            #expect(try await found() == (["old", "draft", "later"], 3))
        }
    }

    /// Publishes or unpublishes an article through the API.
    private static func set(status: String, of slug: String, _ client: some TestClientProtocol, _ token: String)
        async throws
    {
        let response = try await client.send(
            .patch,
            "/v1/articles/\(slug)",
            json: #"{"status":"\#(status)"}"#,
            token: token
        )
        #expect(response.status == .ok)
    }

    @Test func statusIsDerivedFromTheStoredStatusAndTheClock() {
        let now = Timestamp(rfc3339: "2026-11-28T12:00:00Z")!
        #expect(ArticleStatus.at(now, storedStatus: "draft", publishedAt: nil) == .draft)
        let time = { (text: String) in Timestamp(rfc3339: text)! }
        #expect(ArticleStatus.at(now, storedStatus: "draft", publishedAt: time("2026-01-01T00:00:00Z")) == .draft)
        #expect(
            ArticleStatus.at(now, storedStatus: "published", publishedAt: time("2026-11-28T12:00:00Z")) == .published
        )
        #expect(
            ArticleStatus.at(now, storedStatus: "published", publishedAt: time("2026-11-28T12:00:01Z")) == .scheduled
        )
    }
}
