import Foundation
import HTTPTypes
import MastheadPostgres
import MastheadStorage
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

/// Lists' totals kept between writes (`ListCounts`, used on PostgreSQL): never a stale
/// total, whatever moved it.
@Suite struct ListCountsTests {
    static let now = Timestamp(rfc3339: "2026-11-28T12:00:00Z")!

    static func key(tag: String? = nil) -> ListCounts.Key {
        var query = ArticleListQuery()
        if let tag { query.tags = [Slug(parsing: tag)!] }
        return ListCounts.Key(query)!
    }

    @Test func aTotalHoldsUntilTheNextPublicationOrAWrite() {
        let counts = ListCounts()
        let key = Self.key()
        let generation = counts.generation
        counts.keep(7, for: key, at: Self.now, until: Self.now.adding(seconds: 60), generation: generation)
        #expect(counts.total(for: key, at: Self.now.adding(seconds: 59)) == 7)
        #expect(counts.total(for: key, at: Self.now.adding(seconds: 60)) == nil, "a scheduled article went live")
        #expect(counts.total(for: key, at: Self.now.adding(seconds: -1)) == nil, "made later than asked")
        #expect(counts.total(for: Self.key(tag: "go"), at: Self.now) == nil)

        counts.invalidate()
        #expect(counts.total(for: key, at: Self.now) == nil)
    }

    /// A count made while a write committed may have seen the content before it: not kept.
    @Test func aCountMadeAcrossAWriteIsNotKept() {
        let counts = ListCounts()
        let generation = counts.generation
        counts.invalidate()
        counts.keep(7, for: Self.key(), at: Self.now, until: nil, generation: generation)
        #expect(counts.total(for: Self.key(), at: Self.now) == nil)
        #expect(counts.count == 0)
    }

    @Test func onlyPublicListsWithoutFullTextAreKept() throws {
        var drafts = ArticleListQuery()
        drafts.visibility = .drafts
        #expect(ListCounts.Key(drafts) == nil)
        var searched = ArticleListQuery()
        searched.search = try SearchQuery(parsing: "observability")
        #expect(ListCounts.Key(searched) == nil)
        var paged = ArticleListQuery()
        paged.paging = .page(3)
        paged.limit = 5
        #expect(ListCounts.Key(paged) == ListCounts.Key(ArticleListQuery()), "every page of a list shares its total")
    }

    @Test func theNumberOfListsKeptIsBounded() {
        let counts = ListCounts(capacity: 3)
        for day in 1...10 {
            var query = ArticleListQuery()
            query.publishedAfter = Self.now.adding(seconds: Int64(day) * 86_400)
            counts.keep(day, for: ListCounts.Key(query)!, at: Self.now, until: nil, generation: counts.generation)
            #expect(counts.count <= 3)
        }
    }

    /// With the response cache off, every list read reaches the store: its total follows
    /// writes to articles and tags, and the clock, on both engines.
    @Test(arguments: AppEngine.available) func aListsTotalFollowsWritesAndTheClock(engine: AppEngine) async throws {
        let clock = TestClock()
        try await withApp(
            on: engine,
            clock: clock,
            cacheMaxBytes: 0,
            seed: { seed in
                try await seed.author("alex-kim")
                try await seed.tag("go")
                try await seed.article("live", author: "alex-kim", tags: ["go"], publishedAt: seed.daysAgo(1))
                try await seed.article(
                    "soon",
                    author: "alex-kim",
                    tags: ["go"],
                    publishedAt: seed.now.adding(seconds: 60)
                )
            }
        ) { client, storage async throws in
            let admin = try await storage.token([.admin])
            func totals() async throws -> [Int?] {
                var totals: [Int?] = []
                for path in [
                    "/v1/articles?limit=1", "/v1/articles?limit=1&page=2", "/v1/articles?tag=go&limit=1",
                    "/v1/articles?author=alex-kim&featured=false&limit=1",
                ] {
                    totals.append(try await client.get(path).json["meta"]["pagination"]["total"].int)
                }
                return totals
            }
            #expect(try await totals() == [1, 1, 1, 1])
            #expect(try await totals() == [1, 1, 1, 1])

            let created = try await client.send(
                .post,
                "/v1/articles",
                json:
                    #"{"title":"New","body_markdown":"Words.","author":"alex-kim","tags":["go"],"status":"published"}"#,
                token: admin
            )
            #expect(created.status == .created)
            #expect(try await totals() == [2, 2, 2, 2])

            clock.advance(seconds: 60)
            #expect(try await totals() == [3, 3, 3, 3], "the scheduled article went live")

            let featured = try await client.send(
                .patch,
                "/v1/articles/new",
                json: #"{"featured":true}"#,
                token: admin,
                headers: [.contentType: "application/merge-patch+json"]
            )
            #expect(featured.status == .ok)
            #expect(try await totals() == [3, 3, 3, 2])

            #expect(try await client.send(.delete, "/v1/tags/go", token: admin).status == .noContent)
            let tagged = try await client.get("/v1/articles?tag=go&limit=1")
            #expect(try tagged.json["meta"]["pagination"]["total"].int ?? 0 == 0 || tagged.status == .notFound)
            #expect(try await client.send(.delete, "/v1/articles/live", token: admin).status == .noContent)
            #expect(try await client.get("/v1/articles?limit=1").json["meta"]["pagination"]["total"].int == 2)
        }
    }
}
