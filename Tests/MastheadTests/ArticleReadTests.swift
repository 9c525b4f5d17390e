import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

/// A small hand-built publication: two authors, three tags, five published articles a day
/// apart (newest first: e, d, c, b, a), one draft and one scheduled article.
private func seedPublication(_ seed: Seeder) async throws {
    try await seed.author("alex-kim", name: "Alex Kim")
    try await seed.author("maya-okafor", name: "Maya Okafor")
    try await seed.tag("go", name: "Go")
    try await seed.tag("api", name: "API")
    try await seed.tag("branding", name: "Branding")
    try await seed.article(
        "a",
        title: "Alpha",
        author: "alex-kim",
        tags: ["go"],
        publishedAt: seed.daysAgo(5),
        views: 3
    )
    try await seed.article(
        "b",
        title: "bravo",
        author: "maya-okafor",
        tags: ["branding"],
        publishedAt: seed.daysAgo(4),
        featured: true,
        views: 9
    )
    try await seed.article(
        "c",
        title: "Charlie",
        author: "alex-kim",
        tags: ["api", "go"],
        publishedAt: seed.daysAgo(3),
        views: 1
    )
    try await seed.article(
        "d",
        title: "Delta",
        author: "alex-kim",
        tags: ["api"],
        publishedAt: seed.daysAgo(2),
        body: "## Deployment\n\nHow we handle deployment of services with **graceful shutdown**."
    )
    try await seed.article(
        "e",
        title: "Echo",
        author: "maya-okafor",
        tags: [],
        publishedAt: seed.daysAgo(1),
        featured: true
    )
    try await seed.article("draft", author: "alex-kim", tags: ["go"], publishedAt: nil)
    try await seed.article("later", author: "alex-kim", tags: ["go"], publishedAt: seed.now.adding(days: 3))
}

@Suite struct ArticleListTests {
    @Test(arguments: AppEngine.available) func listsPublishedArticlesNewestFirstWithPaginationMeta(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, seed: seedPublication) { client, _ async throws in
            let response = try await client.get("/v1/articles")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/json; charset=utf-8")
            #expect(response.headers[.xTotalCount] == "5")
            #expect(response.headers[.link] == nil)
            let json = try response.json
            #expect(json["data"].slugs == ["e", "d", "c", "b", "a"])
            let pagination = json["meta"]["pagination"]
            #expect(pagination["page"].int == 1)
            #expect(pagination["limit"].int == 20)
            #expect(pagination["total"].int == 5)
            #expect(pagination["pages"].int == 1)
            #expect(pagination["next"].isNull && pagination.keys.contains("next"))
            #expect(pagination["prev"].isNull && pagination.keys.contains("prev"))
            #expect(pagination["next_cursor"].isNull && pagination.keys.contains("next_cursor"))
        }
    }

    @Test(arguments: AppEngine.available) func listItemsCarryEveryFieldButNoBody(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: seedPublication) { client, _ async throws in
            let item = try await client.get("/v1/articles?limit=1").json["data"][0]
            #expect(
                item.keys == [
                    "id", "slug", "title", "excerpt", "status", "featured", "published_at", "created_at", "updated_at",
                    "reading_time_minutes", "word_count", "views", "cover_image_url", "cover_image_alt", "seo_title",
                    "seo_description", "canonical_url", "feature_image", "author", "tags", "primary_tag",
                ]
            )
            #expect(item["status"].string == "published")
            #expect(
                item["author"]
                    == .object([
                        "id": .integer(2), "slug": .string("maya-okafor"), "name": .string("Maya Okafor"),
                        "avatar_url": .null,
                    ])
            )
            #expect(item["tags"].array.isEmpty)
            #expect(item["primary_tag"].isNull)
        }
    }

    @Test(arguments: AppEngine.available) func pagesCarryNextAndPrevInMetaAndLinkHeaders(engine: AppEngine) async throws
    {
        try await withApp(on: engine, seed: seedPublication) { client, _ async throws in
            let first = try await client.get("/v1/articles?limit=2&tag=go,api")
            #expect(try first.json["data"].slugs == ["d", "c"])
            #expect(first.headers[.xTotalCount] == "3")
            #expect(first.headers[.link] == #"</v1/articles?limit=2&tag=go,api&page=2>; rel="next""#)
            let second = try await client.get("/v1/articles?limit=2&tag=go,api&page=2")
            let json = try second.json
            #expect(json["data"].slugs == ["a"])
            #expect(json["meta"]["pagination"]["next"].isNull)
            #expect(json["meta"]["pagination"]["prev"].int == 1)
            #expect(json["meta"]["pagination"]["pages"].int == 2)
            #expect(second.headers[.link] == #"</v1/articles?limit=2&tag=go,api&page=1>; rel="prev""#)
        }
    }

    @Test(arguments: AppEngine.available) func aPageBeyondTheLastIsEmptyNotAnError(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: seedPublication) { client, _ async throws in
            let response = try await client.get("/v1/articles?page=9")
            #expect(response.status == .ok)
            #expect(try response.json["data"].array.isEmpty)
            #expect(try response.json["meta"]["pagination"]["total"].int == 5)
        }
    }

    @Test(arguments: AppEngine.available) func filtersByTagAuthorFeaturedAndDates(engine: AppEngine) async throws {
        let clock = TestClock()
        try await withApp(on: engine, clock: clock, seed: seedPublication) { client, _ async throws in
            #expect(try await client.get("/v1/articles?tag=go").json["data"].slugs == ["c", "a"])
            #expect(try await client.get("/v1/articles?tag=branding,api").json["data"].slugs == ["d", "c", "b"])
            #expect(try await client.get("/v1/articles?tag=unknown-tag").json["data"].slugs == [])
            #expect(try await client.get("/v1/articles?author=maya-okafor").json["data"].slugs == ["e", "b"])
            #expect(try await client.get("/v1/articles?featured=true").json["data"].slugs == ["e", "b"])
            #expect(try await client.get("/v1/articles?featured=false").json["data"].slugs == ["d", "c", "a"])
            let after = clock.now.adding(days: -4).rfc3339
            let before = clock.now.adding(days: -1).rfc3339
            #expect(
                try await client.get("/v1/articles?published_after=\(after)").json["data"].slugs == ["e", "d", "c"]
            )
            #expect(
                try await client.get("/v1/articles?published_before=\(before)").json["data"].slugs == [
                    "d", "c", "b", "a",
                ]
            )
            #expect(
                try await client.get("/v1/articles?published_after=\(after)&published_before=\(before)&author=alex-kim")
                    .json["data"].slugs == ["d", "c"]
            )
            #expect(try await client.get("/v1/articles?status=published").json["data"].slugs.count == 5)
        }
    }

    @Test(arguments: AppEngine.available) func sortsByEachAllowedFieldBothWays(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: seedPublication) { client, _ async throws in
            #expect(
                try await client.get("/v1/articles?sort=published_at").json["data"].slugs == ["a", "b", "c", "d", "e"]
            )
            #expect(
                try await client.get("/v1/articles?sort=-published_at").json["data"].slugs == ["e", "d", "c", "b", "a"]
            )
            #expect(try await client.get("/v1/articles?sort=title").json["data"].slugs == ["a", "b", "c", "d", "e"])
            #expect(try await client.get("/v1/articles?sort=-title").json["data"].slugs == ["e", "d", "c", "b", "a"])
            #expect(try await client.get("/v1/articles?sort=-views").json["data"].slugs == ["b", "a", "c", "e", "d"])
            #expect(
                try await client.get("/v1/articles?sort=updated_at").json["data"].slugs == ["a", "b", "c", "d", "e"]
            )
        }
    }

    @Test(arguments: AppEngine.available) func fullTextQueryFindsStemsAndOrdersByRelevance(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, seed: seedPublication) { client, _ async throws in
            #expect(try await client.get("/v1/articles?q=deploying").json["data"].slugs == ["d"])
            #expect(try await client.get("/v1/articles?q=%22graceful+shutdown%22").json["data"].slugs == ["d"])
            #expect(try await client.get("/v1/articles?q=grace*").json["data"].slugs == ["d"])
            #expect(try await client.get("/v1/articles?q=alpha").json["data"].slugs == ["a"])
            #expect(try await client.get("/v1/articles?q=words+body").json["data"].slugs.count == 4)
            #expect(try await client.get("/v1/articles?q=AND").json["data"].slugs.isEmpty)
            #expect(try await client.get("/v1/articles?q=NEAR(").status == .ok)
            // A lone quote holds no word: a valid query that finds nothing.
            let nothing = try await client.get("/v1/articles?q=%22")
            #expect(nothing.status == .ok)
            #expect(try nothing.json["data"].slugs.isEmpty)
        }
    }

    @Test(arguments: AppEngine.available) func fieldsPicksTopLevelFieldsInContractOrder(engine: AppEngine) async throws
    {
        try await withApp(on: engine, seed: seedPublication) { client, _ async throws in
            let response = try await client.get("/v1/articles?fields=title,slug&limit=1")
            #expect(response.text.hasPrefix(#"{"data":[{"slug":"e","title":"Echo"}]"#))
        }
    }

    @Test(arguments: AppEngine.available) func formatsAddsBodiesToListItems(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: seedPublication) { client, _ async throws in
            let item = try await client.get("/v1/articles?formats=markdown,plaintext&limit=1&author=alex-kim").json[
                "data"
            ][0]
            #expect(item["slug"].string == "d")
            #expect(item["body_markdown"].string?.hasPrefix("## Deployment") == true)
            #expect(item["body_plaintext"].string?.hasPrefix("Deployment\nHow we handle") == true)
            #expect(!item.keys.contains("body_html"))
        }
    }

    @Test(arguments: AppEngine.available) func draftsAndScheduledArticlesNeverAppearPublicly(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, seed: seedPublication) { client, _ async throws in
            let all = try await client.get("/v1/articles?limit=100").json["data"].slugs
            #expect(!all.contains("draft") && !all.contains("later"))
            #expect(try await client.get("/v1/articles/draft").status == .notFound)
            #expect(try await client.get("/v1/articles/later").status == .notFound)
            #expect(try await client.get("/v1/tags/go").json["data"]["article_count"].int == 2)
            #expect(try await client.get("/v1/authors/alex-kim").json["data"]["article_count"].int == 3)
        }
    }

    @Test(arguments: AppEngine.available) func askingForDraftsWithoutATokenIs401(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: seedPublication) { client, _ async throws in
            for status in ["draft", "scheduled", "all"] {
                let response = try await client.get("/v1/articles?status=\(status)")
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] == "Bearer")
                #expect(try response.json["code"].string == "unauthorized")
            }
        }
    }

    @Test(arguments: [
        ("limit=0", "invalid_parameter"), ("limit=101", "invalid_parameter"), ("limit=ten", "invalid_parameter"),
        ("page=-1", "invalid_parameter"), ("page=0", "invalid_parameter"), ("page=1.5", "invalid_parameter"),
        ("sort=password", "invalid_parameter"), ("sort=-body_markdown", "invalid_parameter"),
        ("featured=maybe", "invalid_parameter"), ("status=deleted", "invalid_parameter"),
        ("tag=Not%20A%20Slug", "invalid_parameter"), ("tag=go,,api", "invalid_parameter"),
        ("author=a,b", "too_many_items"), ("published_after=yesterday", "invalid_parameter"),
        ("fields=id,password", "invalid_parameter"), ("formats=pdf", "invalid_parameter"),
        ("cursor=garbage", "invalid_parameter"), ("limit=5&limit=6", "invalid_parameter"),
        ("author_id=1", "unknown_parameter"), ("password=x", "unknown_parameter"), ("q=%ZZ", "invalid_query"),
        // Lists are bounded: at most 20 tags, each field once, each format once.
        ("tag=t0,t1,t2,t3,t4,t5,t6,t7,t8,t9,t10,t11,t12,t13,t14,t15,t16,t17,t18,t19,t20", "too_many_items"),
        (
            "fields=" + Array(repeating: "id", count: ArticleField.allCases.count + 1).joined(separator: ","),
            "too_many_items"
        ),
        ("formats=html,html,html,html", "too_many_items"),
    ])
    func badQueryValuesAre400ProblemDocuments(_ query: String, _ code: String) async throws {
        try await withApp(seed: seedPublication) { client, _ async throws in
            let response = try await client.get("/v1/articles?\(query)")
            #expect(response.status == .badRequest, "\(query)")
            #expect(response.headers[.contentType] == "application/problem+json")
            let json = try response.json
            #expect(json["code"].string == code, "\(query)")
            #expect(json["status"].int == 400)
            #expect(json["title"].string == "Bad Request")
            #expect(json["type"].string == "about:blank")
            #expect(json["detail"].string?.isEmpty == false)
            #expect(json["request_id"].string == response.headers[.xRequestID])
        }
    }

    @Test(arguments: AppEngine.available) func aQueryLongerThan256CharactersIs400(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: seedPublication) { client, _ async throws in
            let response = try await client.get("/v1/articles?q=" + String(repeating: "a", count: 1_000))
            #expect(response.status == .badRequest)
            #expect(try response.json["detail"].string?.contains("256") == true)
        }
    }
}

@Suite struct ArticleDetailTests {
    @Test(arguments: AppEngine.available) func showsOneArticleWithHTMLBodyByDefault(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: seedPublication) { client, _ async throws in
            let response = try await client.get("/v1/articles/d")
            #expect(response.status == .ok)
            let article = try response.json["data"]
            #expect(article["slug"].string == "d")
            #expect(article["title"].string == "Delta")
            #expect(
                article["body_html"].string
                    == "<h2>Deployment</h2>\n<p>How we handle deployment of services with <strong>graceful shutdown</strong>.</p>\n"
            )
            #expect(article["excerpt"].string == "How we handle deployment of services with graceful shutdown.")
            #expect(article["word_count"].int == 10)
            #expect(article["reading_time_minutes"].int == 1)
            #expect(article["tags"].slugs == ["api"])
            #expect(article["primary_tag"]["slug"].string == "api")
            #expect(!article.keys.contains("body_markdown"))
        }
    }

    @Test(arguments: AppEngine.available) func formatsAndFieldsShapeTheDetail(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: seedPublication) { client, _ async throws in
            let bodies = try await client.get("/v1/articles/d?formats=markdown").json["data"]
            #expect(bodies["body_markdown"].string?.hasPrefix("## Deployment") == true)
            #expect(!bodies.keys.contains("body_html"))
            let picked = try await client.get("/v1/articles/d?fields=id,title,body_plaintext").json["data"]
            #expect(picked.keys == ["id", "title", "body_plaintext"])
        }
    }

    @Test(arguments: AppEngine.available) func primaryTagIsTheFirstTagInOrder(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: seedPublication) { client, _ async throws in
            let article = try await client.get("/v1/articles/c").json["data"]
            #expect(article["tags"].slugs == ["api", "go"])
            #expect(article["primary_tag"]["slug"].string == "api")
        }
    }

    @Test(arguments: AppEngine.available) func anUnknownSlugIsA404ProblemDocument(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: seedPublication) { client, _ async throws in
            let response = try await client.get("/v1/articles/no-such-article")
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/problem+json")
            let json = try response.json
            #expect(json["code"].string == "not_found")
            #expect(json["detail"].string == "No article with slug 'no-such-article'.")
            let malformed = try await client.get("/v1/articles/NOT%20A%20SLUG")
            #expect(malformed.status == .notFound)
            #expect(try malformed.json["detail"].string == "No article with that slug.")
        }
    }

    @Test(arguments: AppEngine.available) func unknownParametersOnADetailAre400(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: seedPublication) { client, _ async throws in
            let response = try await client.get("/v1/articles/d?page=2")
            #expect(response.status == .badRequest)
            #expect(try response.json["code"].string == "unknown_parameter")
        }
    }
}
