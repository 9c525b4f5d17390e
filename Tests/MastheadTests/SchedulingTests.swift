import Testing

@testable import Masthead

@Suite struct SchedulingTests {
    /// No job and no restart: the same running application starts serving a scheduled
    /// article the moment its publication time passes.
    @Test func aScheduledArticleAppearsByItselfWhenItsTimeComes() async throws {
        let clock = TestClock()
        try await withApp(
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
