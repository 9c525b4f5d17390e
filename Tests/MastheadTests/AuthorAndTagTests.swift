import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

private func seedPeople(_ seed: Seeder) async throws {
    try await seed.author("maya-okafor", name: "Maya Okafor")
    try await seed.author("alex-kim", name: "Alex Kim")
    try await seed.author("zed", name: "zed")
    try await seed.tag("go", name: "Go")
    try await seed.tag("api", name: "API")
    try await seed.tag("unused", name: "Unused")
    try await seed.article("a", author: "alex-kim", tags: ["go", "api"], publishedAt: seed.daysAgo(3))
    try await seed.article("b", author: "alex-kim", tags: ["go"], publishedAt: seed.daysAgo(2))
    try await seed.article("c", author: "maya-okafor", tags: ["api"], publishedAt: seed.daysAgo(1))
    try await seed.article("draft", author: "maya-okafor", tags: ["go", "unused"], publishedAt: nil)
}

@Suite struct AuthorTests {
    @Test(arguments: AppEngine.available) func listsAuthorsByNameWithPublishedArticleCounts(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, seed: seedPeople) { client, _ async throws in
            let response = try await client.get("/v1/authors")
            #expect(response.status == .ok)
            #expect(response.headers[.xTotalCount] == "3")
            let json = try response.json
            #expect(json["data"].slugs == ["alex-kim", "maya-okafor", "zed"])
            #expect(json["data"].array.map { $0["article_count"].int } == [2, 1, 0])
            #expect(
                json["data"][0].keys == [
                    "id", "slug", "name", "bio", "avatar_url", "website_url", "location", "avatar", "article_count",
                    "created_at", "updated_at",
                ]
            )
        }
    }

    @Test(arguments: AppEngine.available) func pagesAuthors(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: seedPeople) { client, _ async throws in
            let response = try await client.get("/v1/authors?limit=2&page=2")
            #expect(try response.json["data"].slugs == ["zed"])
            #expect(response.headers[.link] == #"</v1/authors?limit=2&page=1>; rel="prev""#)
        }
    }

    @Test(arguments: AppEngine.available) func showsOneAuthorOr404(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: seedPeople) { client, _ async throws in
            let author = try await client.get("/v1/authors/maya-okafor").json["data"]
            #expect(author["name"].string == "Maya Okafor")
            #expect(author["article_count"].int == 1)
            let missing = try await client.get("/v1/authors/nobody")
            #expect(missing.status == .notFound)
            #expect(try missing.json["detail"].string == "No author with slug 'nobody'.")
        }
    }

    @Test(arguments: ["sort=name", "limit=0", "page=0", "tag=go"])
    func badAuthorListQueriesAre400(_ query: String) async throws {
        try await withApp(seed: seedPeople) { client, _ async throws in
            #expect(try await client.get("/v1/authors?\(query)").status == .badRequest)
        }
    }
}

@Suite struct TagTests {
    /// U+0000, which PostgreSQL's text cannot hold (a write with one was a 500 there), is kept
    /// as U+FFFD on both engines, in bodies and in query strings alike.
    @Test(arguments: AppEngine.available) func aNULCharacterIsKeptAsAReplacementCharacter(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, seed: seedPeople) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            let patched = try await client.send(
                .patch,
                "/v1/tags/go",
                json: #"{"description": "Go\u0000pher"}"#,
                token: writer
            )
            #expect(patched.status == .ok)
            #expect(try patched.json["data"]["description"].string == "Go\u{FFFD}pher")
            #expect(try await storage.text("SELECT description FROM tags WHERE slug = 'go'") == "Go\u{FFFD}pher")
            #expect(try await client.get("/v1/search?q=go%00pher").status == .ok)
            #expect(try await client.get("/v1/articles?q=go%00").status == .ok)
        }
    }

    @Test(arguments: AppEngine.available) func listsTagsByNameWithPublishedArticleCounts(engine: AppEngine) async throws
    {
        try await withApp(on: engine, seed: seedPeople) { client, _ async throws in
            let json = try await client.get("/v1/tags").json
            #expect(json["data"].slugs == ["api", "go", "unused"])
            #expect(json["data"].array.map { $0["article_count"].int } == [2, 2, 0])
            #expect(json["data"][0].keys == ["id", "slug", "name", "description", "article_count"])
        }
    }

    @Test(arguments: AppEngine.available) func sortsTagsByArticleCount(engine: AppEngine) async throws {
        try await withApp(
            on: engine,
            seed: { seed in
                try await seedPeople(seed)
                try await seed.article("d", author: "zed", tags: ["go"], publishedAt: seed.daysAgo(1))
            }
        ) { client, _ async throws in
            let json = try await client.get("/v1/tags?sort=-article_count").json
            #expect(json["data"].slugs == ["go", "api", "unused"])
            #expect(try await client.get("/v1/tags?sort=name").json["data"].slugs == ["api", "go", "unused"])
        }
    }

    @Test(arguments: AppEngine.available) func showsOneTagOr404(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: seedPeople) { client, _ async throws in
            #expect(try await client.get("/v1/tags/go").json["data"]["article_count"].int == 2)
            #expect(try await client.get("/v1/tags/nope").status == .notFound)
        }
    }

    @Test(arguments: ["sort=article_count", "sort=-name", "limit=101", "q=x"])
    func badTagListQueriesAre400(_ query: String) async throws {
        try await withApp(seed: seedPeople) { client, _ async throws in
            #expect(try await client.get("/v1/tags?\(query)").status == .badRequest)
        }
    }
}
