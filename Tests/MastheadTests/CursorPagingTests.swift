import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

@Suite struct CursorPagingTests {
    /// Twelve articles an hour apart; pages of five, with new articles published between pages.
    @Test func cursorPagingNeitherSkipsNorRepeatsWhileArticlesArePublished() async throws {
        let clock = TestClock()
        try await withApp(
            clock: clock,
            seed: { seed in
                try await seed.author("alex-kim")
                for index in 1...12 {
                    try await seed.article(
                        "old-\(index)",
                        author: "alex-kim",
                        publishedAt: seed.now.adding(seconds: -3600 * Int64(13 - index))
                    )
                }
            }
        ) { client, database async throws in
            let seed = Seeder(database, now: clock.now)
            var seen: [String] = []
            let first = try await client.get("/v1/articles?limit=5").json
            seen += first["data"].slugs
            var cursor = try #require(first["meta"]["pagination"]["next_cursor"].string)
            var publishedMeanwhile = 0
            while true {
                // A new article between every two pages, newer than everything already listed.
                publishedMeanwhile += 1
                clock.advance(seconds: 10)
                try await seed.article("new-\(publishedMeanwhile)", author: "alex-kim", publishedAt: clock.now)

                let response = try await client.get("/v1/articles?limit=5&cursor=\(cursor)")
                #expect(response.status == .ok)
                let page = try response.json
                #expect(page["meta"]["pagination"]["page"].isNull)
                seen += page["data"].slugs
                guard let next = page["meta"]["pagination"]["next_cursor"].string else {
                    #expect(response.headers[.link] == nil)
                    break
                }
                #expect(response.headers[.link] == "</v1/articles?limit=5&cursor=\(next)>; rel=\"next\"")
                cursor = next
            }
            #expect(seen == (1...12).reversed().map { "old-\($0)" })
            #expect(publishedMeanwhile == 2)
        }
    }

    @Test(arguments: AppEngine.available) func equalPublicationTimesAreOrderedByIDAcrossPages(engine: AppEngine)
        async throws
    {
        try await withApp(
            on: engine,
            seed: { seed in
                try await seed.author("alex-kim")
                for index in 1...7 {
                    try await seed.article("same-\(index)", author: "alex-kim", publishedAt: seed.daysAgo(1))
                }
            }
        ) { client, _ async throws in
            var seen: [String] = []
            var query = "/v1/articles?limit=3&sort=published_at"
            while true {
                let json = try await client.get(query).json
                seen += json["data"].slugs
                guard let next = json["meta"]["pagination"]["next_cursor"].string else { break }
                query = "/v1/articles?limit=3&sort=published_at&cursor=\(next)"
            }
            #expect(seen == (1...7).map { "same-\($0)" })
        }
    }

    @Test(arguments: AppEngine.available) func aCursorIsRefusedWithPageWithAnotherSortOrWithoutATimeSort(
        engine: AppEngine
    ) async throws {
        try await withApp(
            on: engine,
            seed: { seed in
                try await seed.author("alex-kim")
                for index in 1...3 {
                    try await seed.article("a-\(index)", author: "alex-kim", publishedAt: seed.daysAgo(Int64(index)))
                }
            }
        ) { client, _ async throws in
            let cursor = try #require(
                try await client.get("/v1/articles?limit=1").json["meta"]["pagination"]["next_cursor"].string
            )
            for query in [
                "cursor=\(cursor)&page=2", "cursor=\(cursor)&sort=updated_at", "cursor=\(cursor)&sort=title",
                "cursor=\(cursor)&q=words",
            ] {
                let response = try await client.get("/v1/articles?limit=1&\(query)")
                #expect(response.status == .badRequest, "\(query)")
                #expect(try response.json["code"].string == "invalid_parameter")
            }
            let bySort = try await client.get("/v1/articles?sort=title&limit=1").json["meta"]["pagination"]
            #expect(!bySort.keys.contains("next_cursor"))
        }
    }

    @Test func cursorsRoundTripAndRejectTampering() {
        let cursor = ArticleCursor(sort: .newestFirst, time: Timestamp(rfc3339: "2026-11-28T09:30:00Z")!, id: 42)
        #expect(ArticleCursor(token: cursor.token) == cursor)
        #expect(ArticleCursor(token: "") == nil)
        #expect(ArticleCursor(token: Base64URL.encode(Array("v1 -published_at 2026-11-28T09:30:00Z x".utf8))) == nil)
        #expect(ArticleCursor(token: Base64URL.encode(Array("v1 title 2026-11-28T09:30:00Z 1".utf8))) == nil)
        #expect(ArticleCursor(token: Base64URL.encode(Array("v1 -published_at 2026-11-28 1".utf8))) == nil)
    }
}
