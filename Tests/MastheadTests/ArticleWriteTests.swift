import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

private let newArticle = #"""
    {"title": "Café Déjà Vu", "body_markdown": "## Hello\n\nA body with **bold** words.", "author": "alex-kim",
     "tags": ["go", "api"], "status": "published"}
    """#

/// An article as stored, drafts and scheduled ones too, read through the store of the
/// engine the test runs on; nil when there is none.
private func storedArticle(_ storage: TestStorage, _ slug: String) async throws -> Article? {
    do {
        return try await storage.stores.content.articles.find(
            slug: Slug(slug),
            bodies: [.markdown, .plaintext],
            visibility: .all
        )
    } catch StoreError.notFound {
        return nil
    }
}

private func articleCount(_ storage: TestStorage) async throws -> Int? {
    try await storage.integer("SELECT count(*) FROM articles")
}

@Suite struct ArticleCreateTests {
    @Test(arguments: AppEngine.available) func createIs201WithLocationETagAndTheRenderedArticle(engine: AppEngine)
        async throws
    {
        let clock = TestClock()
        try await withApp(on: engine, demo: true, clock: clock) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let response = try await client.send(.post, "/v1/articles", json: newArticle, token: token)
            #expect(response.status == .created)
            #expect(response.headers[.location] == "/v1/articles/cafe-deja-vu")
            let etag = try #require(response.headers[.eTag])
            // A resource's tag: its content version, a dot, the hash of the bytes.
            #expect(etag.wholeMatch(of: #/"[A-Za-z0-9_-]{12}\.[A-Za-z0-9_-]{22}"/#) != nil, "\(etag)")
            let article = try response.json["data"]
            #expect(article["slug"].string == "cafe-deja-vu")
            #expect(article["status"].string == "published")
            #expect(article["published_at"].string == clock.now.rfc3339)
            #expect(article["body_html"].string == "<h2>Hello</h2>\n<p>A body with <strong>bold</strong> words.</p>\n")
            #expect(article["excerpt"].string == "A body with bold words.")
            #expect(article["word_count"].int == 6)
            #expect(article["reading_time_minutes"].int == 1)
            #expect(article["tags"].slugs == ["go", "api"])
            #expect(article["author"]["slug"].string == "alex-kim")

            let stored = try #require(try await storedArticle(storage, "cafe-deja-vu"))
            #expect(stored.bodyMarkdown == "## Hello\n\nA body with **bold** words.")
            #expect(stored.bodyPlaintext == "Hello\nA body with bold words.")
            #expect(stored.revision == 1)
            // What GET serves is what the write answered, byte for byte, and so is its ETag.
            let fetched = try await client.get("/v1/articles/cafe-deja-vu")
            #expect(fetched.headers[.eTag] == etag)
            #expect(fetched.body == response.body)
            #expect(try await client.get("/v1/articles?q=bold").json["data"].slugs == ["cafe-deja-vu"])
        }
    }

    @Test(arguments: AppEngine.available) func aTakenSlugMadeFromTheTitleGetsASuffixAndAGivenOneIs409(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let body = #"{"title": "Go in Production", "body_markdown": "x", "author": "alex-kim"}"#
            let derived = try await client.send(.post, "/v1/articles", json: body, token: token)
            #expect(derived.status == .created)
            #expect(try derived.json["data"]["slug"].string == "go-in-production-2")
            #expect(
                try await client.send(.post, "/v1/articles", json: body, token: token).json["data"]["slug"].string
                    == "go-in-production-3"
            )

            let given = #"{"slug": "go-in-production", "title": "Another", "body_markdown": "x", "author": "alex-kim"}"#
            let conflict = try await client.send(.post, "/v1/articles", json: given, token: token)
            #expect(conflict.status == .conflict)
            #expect(try conflict.json["code"].string == "slug_taken")
            #expect(try await articleCount(storage) == 29)
        }
    }

    @Test(arguments: AppEngine.available) func draftsAreVisibleToContentReadTokensOnly(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            let reader = try await storage.token([.contentRead])
            let draft = #"{"title": "Secret plans", "body_markdown": "Soon.", "author": "alex-kim"}"#
            let created = try await client.send(.post, "/v1/articles", json: draft, token: writer)
            #expect(try created.json["data"]["status"].string == "draft")
            #expect(try created.json["data"]["published_at"].isNull)

            #expect(try await client.get("/v1/articles/secret-plans").status == .notFound)
            let auth: HTTPFields = [.authorization: "Bearer \(reader)"]
            #expect(try await client.get("/v1/articles/secret-plans", headers: auth).status == .ok)
            let drafts = try await client.get("/v1/articles?status=draft&limit=100", headers: auth).json
            #expect(Set(drafts["data"].slugs) == ["secret-plans", "zero-downtime-migrations", "brand-audit-template"])
            #expect(
                try await client.get("/v1/articles?status=scheduled", headers: auth).json["data"].slugs == [
                    "quarterly-kpi-review"
                ]
            )
            #expect(
                try await client.get("/v1/articles?status=all&limit=1", headers: auth).json["meta"]["pagination"][
                    "total"
                ].int == 28
            )
            #expect(
                try await client.get("/v1/articles?limit=1", headers: auth).json["meta"]["pagination"]["total"].int
                    == 24
            )
            #expect(!(try await client.get("/v1/articles?limit=100").json["data"].slugs.contains("secret-plans")))
        }
    }

    @Test(arguments: AppEngine.available) func scheduledNeedsAFutureTimeAndStaysHiddenUntilThen(engine: AppEngine)
        async throws
    {
        let clock = TestClock()
        try await withApp(on: engine, demo: true, clock: clock) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let past =
                #"{"title":"Later","body_markdown":"x","author":"alex-kim","status":"scheduled","published_at":"2020-01-01T00:00:00Z"}"#
            let refused = try await client.send(.post, "/v1/articles", json: past, token: token)
            #expect(refused.status == .unprocessableContent)
            #expect(try refused.json["errors"][0]["pointer"].string == "/published_at")

            let future = clock.now.adding(seconds: 3600).rfc3339
            let body =
                #"{"title":"Later","body_markdown":"x","author":"alex-kim","status":"scheduled","published_at":"\#(future)"}"#
            let created = try await client.send(.post, "/v1/articles", json: body, token: token)
            #expect(created.status == .created)
            #expect(try created.json["data"]["status"].string == "scheduled")
            #expect(try await client.get("/v1/articles/later").status == .notFound)
            clock.advance(seconds: 3600)
            #expect(try await client.get("/v1/articles/later").json["data"]["status"].string == "published")
        }
    }
}

/// Times are instants: any offset is stored as UTC, and an instant outside years 0001–9999
/// (which would be written with a five-digit year and sort before every other) is refused.
@Suite struct ArticleTimeTests {
    @Test(arguments: AppEngine.available) func aTimeThatLeavesYear9999InUTCIs422AndNothingIsWritten(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let before = try await articleCount(storage)
            for (status, time) in [
                ("scheduled", "9999-12-31T23:59:59-01:00"), ("published", "0001-01-01T00:30:00+01:00"),
                ("draft", "10000-01-01T00:00:00Z"),
            ] {
                let body =
                    #"{"title":"Far","body_markdown":"x","author":"alex-kim","status":"\#(status)","published_at":"\#(time)"}"#
                let response = try await client.send(.post, "/v1/articles", json: body, token: token)
                #expect(response.status == .unprocessableContent, "\(time)")
                #expect(try response.json["errors"][0]["pointer"].string == "/published_at", "\(time)")
            }
            #expect(try await articleCount(storage) == before)
            #expect(try await client.get("/v1/articles/far").status == .notFound)
        }
    }

    @Test(arguments: AppEngine.available) func anOffsetIsStoredAsUTCAndVisibilityFollowsTheInstant(engine: AppEngine)
        async throws
    {
        let clock = TestClock()  // 2026-11-28T12:00:00Z
        try await withApp(on: engine, demo: true, clock: clock) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            // 05:00 at UTC-10 is 15:00Z: three hours ahead, though its text sorts before "12:00Z".
            let body =
                #"{"title":"Offset","body_markdown":"x","author":"alex-kim","status":"scheduled","published_at":"2026-11-28T05:00:00-10:00"}"#
            let created = try await client.send(.post, "/v1/articles", json: body, token: token)
            #expect(created.status == .created)
            #expect(try created.json["data"]["published_at"].string == "2026-11-28T15:00:00Z")
            #expect(try await storedArticle(storage, "offset")?.publishedAt?.rfc3339 == "2026-11-28T15:00:00Z")
            #expect(try await client.get("/v1/articles/offset").status == .notFound)
            #expect(!(try await client.get("/v1/articles?limit=100").json["data"].slugs.contains("offset")))
            clock.advance(seconds: 3 * 3600 - 1)
            #expect(try await client.get("/v1/articles/offset").status == .notFound)
            clock.advance(seconds: 1)
            #expect(try await client.get("/v1/articles/offset").status == .ok)
        }
    }
}

/// `If-Match` guards against lost updates, not against readers: a tag from any read of the
/// same content holds until someone writes that content again.
@Suite struct ArticleConditionalWriteTests {
    @Test(arguments: AppEngine.available) func ifMatchHoldsUntilTheContentChangesWhateverCountersDo(engine: AppEngine)
        async throws
    {
        try await withApp(
            on: engine,
            demo: true,
            views: .init(flushInterval: .milliseconds(20), dedupeWindowSeconds: 0)
        ) {
            client,
            storage async throws in
            let token = try await storage.token([.contentWrite])
            let path = "/v1/articles/go-in-production"
            let tokenRead = try #require(
                try await client.get(path, headers: [.authorization: "Bearer \(token)"]).headers[.eTag]
            )
            let gzipRead = try #require(try await client.get(path, headers: [.acceptEncoding: "gzip"]).headers[.eTag])
            #expect(gzipRead.hasSuffix("-gz\""))
            let markdownRead = try #require(try await client.get(path + "?formats=markdown").headers[.eTag])
            let plainRead = try #require(try await client.get(path).headers[.eTag])

            // A reader counts a view and the flush writes it: the bytes change, so does the tag…
            let views = try await client.get(path).json["data"]["views"].int ?? 0
            _ = try await client.send(.post, path + "/views")
            var stored = views
            for _ in 0..<250 where stored == views {
                try await Task.sleep(for: .milliseconds(20))
                stored = try await storedArticle(storage, "go-in-production")?.views ?? views
            }
            #expect(stored == views + 1)
            let afterView = try await client.get(path, headers: [.authorization: "Bearer \(token)"])
            #expect(afterView.headers[.eTag] != tokenRead, "revalidation sees the new count")

            // …but every tag read before still lets a write go ahead. A PUT whose body is
            // invalid shows it without writing: past If-Match it is 422, not 412.
            for tag in [tokenRead, gzipRead, markdownRead, plainRead, "\"other\", \(plainRead)"] {
                let probe = try await client.send(
                    .put,
                    path,
                    json: #"{"title":""}"#,
                    token: token,
                    headers: [.ifMatch: tag]
                )
                #expect(probe.status == .unprocessableContent, "\(tag)")
            }
            for tag in ["\"other\"", "W/\(plainRead)", "\"\(plainRead.dropFirst().prefix(12))\""] {
                let probe = try await client.send(
                    .put,
                    path,
                    json: #"{"title":""}"#,
                    token: token,
                    headers: [.ifMatch: tag]
                )
                #expect(probe.status == .preconditionFailed, "\(tag)")
            }

            let patched = try await client.send(
                .patch,
                path,
                json: #"{"title":"Go in Production, Again"}"#,
                token: token,
                headers: [.ifMatch: gzipRead]
            )
            #expect(patched.status == .ok)
            let written = try #require(patched.headers[.eTag])
            // The content changed: every earlier tag is stale now; the write's own tag is not.
            let stale = try await client.send(
                .patch,
                path,
                json: #"{"title":"Lost Update"}"#,
                token: token,
                headers: [.ifMatch: tokenRead]
            )
            #expect(stale.status == .preconditionFailed)
            #expect(try await storedArticle(storage, "go-in-production")?.title == "Go in Production, Again")
            let next = try await client.send(
                .patch,
                path,
                json: #"{"featured":true}"#,
                token: token,
                headers: [.ifMatch: written]
            )
            #expect(next.status == .ok)
        }
    }

    @Test(arguments: AppEngine.available) func anAuthorsTagSurvivesTheirArticleCountChanging(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let read = try await client.get("/v1/authors/alex-kim")
            let tag = try #require(read.headers[.eTag])
            let count = try read.json["data"]["article_count"].int ?? 0
            let created = try await client.send(
                .post,
                "/v1/articles",
                json: #"{"title":"One More","body_markdown":"x","author":"alex-kim","status":"published"}"#,
                token: token
            )
            #expect(created.status == .created)
            #expect(try await client.get("/v1/authors/alex-kim").json["data"]["article_count"].int == count + 1)
            let patched = try await client.send(
                .patch,
                "/v1/authors/alex-kim",
                json: #"{"location":"Lisbon"}"#,
                token: token,
                headers: [.ifMatch: tag]
            )
            #expect(patched.status == .ok)
        }
    }
}

@Suite struct ArticleValidationTests {
    @Test(arguments: AppEngine.available) func everyProblemIsReportedTogetherWithPointersAndNothingIsWritten(
        engine: AppEngine
    ) async throws {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let body = #"""
                {"id": 7, "views": 100, "body_html": "<script>", "colour": "red", "title": "",
                 "excerpt": "\#(String(repeating: "e", count: 501))", "slug": "Not A Slug", "status": "live",
                 "author": "nobody", "tags": ["go", "no-such-tag", "go", 5], "featured": "yes",
                 "cover_image_url": "ftp://example.com/a.png", "canonical_url": "javascript:alert(1)",
                 "published_at": "yesterday"}
                """#
            let response = try await client.send(.post, "/v1/articles", json: body, token: token)
            #expect(response.status == .unprocessableContent)
            #expect(response.headers[.contentType] == "application/problem+json")
            let problem = try response.json
            #expect(problem["code"].string == "validation_failed")
            let errors = problem["errors"].array.map { "\($0["pointer"].string ?? "") \($0["code"].string ?? "")" }
            for expected in [
                "/id read_only", "/views read_only", "/body_html read_only", "/colour unknown_field", "/title required",
                "/excerpt too_long", "/slug invalid_slug", "/status invalid_value", "/author unknown_reference",
                "/tags/1 unknown_reference", "/tags/2 duplicate", "/tags/3 invalid_slug", "/featured invalid_type",
                "/cover_image_url invalid_url", "/canonical_url invalid_url", "/published_at invalid_date",
                "/body_markdown required",
            ] {
                #expect(errors.contains(expected), "missing \(expected) in \(errors)")
            }
            #expect(try await articleCount(storage) == 27)
        }
    }

    @Test(arguments: AppEngine.available) func aTitleOver200CharactersIsTooLong(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let body = #"{"title":"\#(String(repeating: "t", count: 201))","body_markdown":"x","author":"alex-kim"}"#
            let response = try await client.send(.post, "/v1/articles", json: body, token: token)
            #expect(response.status == .unprocessableContent)
            #expect(try response.json["errors"][0]["pointer"].string == "/title")
            #expect(try response.json["errors"][0]["code"].string == "too_long")
        }
    }

    @Test(arguments: AppEngine.available) func malformedJSONIs400AndNotJSONIs415(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            for broken in [#"{"title": "#, "not json", "[1, 2]", "\"string\"", ""] {
                let response = try await client.send(.post, "/v1/articles", json: broken, token: token)
                #expect(response.status == .badRequest, "\(broken)")
                #expect(try response.json["code"].string == "malformed_json")
            }
            let form = try await client.send(
                .post,
                "/v1/articles",
                json: "title=x",
                token: token,
                headers: [.contentType: "application/x-www-form-urlencoded"]
            )
            #expect(form.status == .unsupportedMediaType)
            let none = try await client.execute(
                uri: "/v1/articles",
                method: .post,
                headers: [.authorization: "Bearer \(token)"],
                body: ByteBuffer(string: "{}")
            ) { $0 }
            #expect(none.status == .unsupportedMediaType)
            #expect(try await articleCount(storage) == 27)
        }
    }

    @Test(arguments: AppEngine.available) func aBodyOver1MiBIs413(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let huge =
                #"{"title":"Big","author":"alex-kim","body_markdown":""# + String(repeating: "a", count: 1 << 20)
                + #""}"#
            let response = try await client.send(.post, "/v1/articles", json: huge, token: token)
            #expect(response.status == .contentTooLarge)
            #expect(try response.json["code"].string == "payload_too_large")
            #expect(try await articleCount(storage) == 27)
        }
    }
}

@Suite struct ArticleChangeTests {
    @Test(arguments: AppEngine.available) func patchWithTheCurrentETagChangesOnlyWhatItNames(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let before = try await client.get("/v1/articles/go-in-production")
            let etag = try #require(before.headers[.eTag])
            let response = try await client.send(
                .patch,
                "/v1/articles/go-in-production",
                json: #"{"featured": false, "seo_title": "Go, boringly"}"#,
                token: token,
                headers: [.ifMatch: etag, .contentType: "application/merge-patch+json"]
            )
            #expect(response.status == .ok)
            #expect(response.headers[.eTag] != etag)
            let article = try response.json["data"]
            #expect(article["featured"].bool == false)
            #expect(article["seo_title"].string == "Go, boringly")
            #expect(
                article["title"].string == "Go in Production: What They Don't Tell You in the Getting Started Guide"
            )
            #expect(article["tags"].slugs == ["api", "go", "observability"])
            #expect(article["excerpt"] == (try before.json["data"]["excerpt"]))
            let stored = try #require(try await storedArticle(storage, "go-in-production"))
            #expect(stored.revision == 2)
            #expect(stored.featured == false)
        }
    }

    @Test(arguments: AppEngine.available) func aStaleIfMatchIs412AndChangesNothing(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let stale = try #require(try await client.get("/v1/articles/go-in-production").headers[.eTag])
            #expect(
                try await client.send(
                    .patch,
                    "/v1/articles/go-in-production",
                    json: #"{"title":"First"}"#,
                    token: token
                ).status == .ok
            )
            let before = try #require(try await storedArticle(storage, "go-in-production"))
            for method in [HTTPRequest.Method.patch, .put, .delete] {
                let response = try await client.send(
                    method,
                    "/v1/articles/go-in-production",
                    json: method == .delete ? nil : #"{"title":"Second","body_markdown":"x","author":"alex-kim"}"#,
                    token: token,
                    headers: [.ifMatch: stale]
                )
                #expect(response.status == .preconditionFailed, "\(method)")
                #expect(try response.json["code"].string == "precondition_failed")
            }
            let after = try #require(try await storedArticle(storage, "go-in-production"))
            #expect(after.revision == before.revision && after.title == before.title)
            #expect(after.bodyMarkdown == before.bodyMarkdown && after.updatedAt == before.updatedAt)
        }
    }

    /// An ETag names the resource (its id) as well as its revision: after the newest article
    /// is deleted and one is made again at the same slug, an `If-Match` taken from the deleted
    /// one is stale. (SQLite gave the new one the deleted one's id until migration 0019, so
    /// its revision 1 matched.)
    @Test(arguments: AppEngine.available) func anIfMatchFromADeletedArticleIsStaleForOneMadeAgain(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let article = #"{"slug":"again","title":"Again","body_markdown":"Words.","author":"alex-kim"}"#
            let first = try await client.send(.post, "/v1/articles", json: article, token: token)
            #expect(first.status == .created)
            let stale = try #require(first.headers[.eTag])
            #expect(try await client.send(.delete, "/v1/articles/again", token: token).status == .noContent)
            #expect(try await client.send(.post, "/v1/articles", json: article, token: token).status == .created)
            let before = try #require(try await storedArticle(storage, "again"))

            let response = try await client.send(
                .patch,
                "/v1/articles/again",
                json: #"{"title":"Overwritten"}"#,
                token: token,
                headers: [.ifMatch: stale]
            )
            #expect(response.status == .preconditionFailed)
            #expect(try response.json["code"].string == "precondition_failed")
            let after = try #require(try await storedArticle(storage, "again"))
            #expect(after.title == "Again" && after.revision == before.revision)
        }
    }

    @Test(arguments: AppEngine.available) func twoClientsRacingWithTheSameIfMatchExactlyOneWins(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let etag = try #require(try await client.get("/v1/articles/go-in-production").headers[.eTag])
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await client.send(
                            .patch,
                            "/v1/articles/go-in-production",
                            json: #"{"title":"Racer \#(index)"}"#,
                            token: token,
                            headers: [.ifMatch: etag]
                        ).status
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == .ok }.count == 1)
            #expect(statuses.filter { $0 == .preconditionFailed }.count == 7)
            #expect(try await storedArticle(storage, "go-in-production")?.revision == 2)
        }
    }

    @Test(arguments: AppEngine.available) func putReplacesEveryFieldAndKeepsTheSlugWhenNoneIsGiven(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let body = #"{"title":"Go, Replaced","body_markdown":"Only this.","author":"maya-okafor","status":"draft"}"#
            let response = try await client.send(.put, "/v1/articles/go-in-production", json: body, token: token)
            #expect(response.status == .ok)
            let article = try response.json["data"]
            #expect(article["slug"].string == "go-in-production")
            #expect(article["title"].string == "Go, Replaced")
            #expect(article["tags"].array.isEmpty)
            #expect(article["featured"].bool == false)
            #expect(article["excerpt"].string == "Only this.")
            #expect(article["status"].string == "draft")
            #expect(try await client.get("/v1/articles/go-in-production").status == .notFound)
            let tags = try await storage.integer(
                "SELECT count(*) FROM article_tags JOIN articles a ON a.id = article_id WHERE a.slug = 'go-in-production'"
            )
            #expect(tags == 0)
        }
    }

    @Test(arguments: AppEngine.available) func renamingKeepsTheOldSlugAsARedirect(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let renamed = try await client.send(
                .patch,
                "/v1/articles/go-in-production",
                json: #"{"slug":"go-in-prod"}"#,
                token: token
            )
            #expect(renamed.status == .ok)
            let old = try await client.get("/v1/articles/go-in-production?formats=markdown")
            #expect(old.status == .movedPermanently)
            #expect(old.headers[.location] == "/v1/articles/go-in-prod?formats=markdown")
            // Renamed again: the first slug follows to the newest.
            _ = try await client.send(
                .patch,
                "/v1/articles/go-in-prod",
                json: #"{"slug":"go-production"}"#,
                token: token
            )
            #expect(
                try await client.get("/v1/articles/go-in-production").headers[.location] == "/v1/articles/go-production"
            )
            #expect(try await client.get("/v1/articles/go-in-prod").headers[.location] == "/v1/articles/go-production")
            // A new article may take an old slug; then it is no longer a redirect.
            let reuse =
                #"{"slug":"go-in-production","title":"New","body_markdown":"x","author":"alex-kim","status":"published"}"#
            #expect(try await client.send(.post, "/v1/articles", json: reuse, token: token).status == .created)
            #expect(try await client.get("/v1/articles/go-in-production").json["data"]["title"].string == "New")
            // A rename to a slug another article has is a conflict.
            let clash = try await client.send(
                .patch,
                "/v1/articles/go-production",
                json: #"{"slug":"api-versioning"}"#,
                token: token
            )
            #expect(clash.status == .conflict)
        }
    }

    /// A shared cache must never learn where a draft went: its old slug redirects a token
    /// holder privately, and the public not at all.
    @Test(arguments: AppEngine.available) func aRenamedDraftsOldSlugRedirectsOnlyPrivately(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let draft = #"{"title":"Secret Plans","body_markdown":"x","author":"alex-kim","status":"draft"}"#
            #expect(try await client.send(.post, "/v1/articles", json: draft, token: token).status == .created)
            let renamed = try await client.send(
                .patch,
                "/v1/articles/secret-plans",
                json: #"{"slug":"launch-2027"}"#,
                token: token
            )
            #expect(renamed.status == .ok)
            let forToken = try await client.get(
                "/v1/articles/secret-plans",
                headers: [.authorization: "Bearer \(token)"]
            )
            #expect(forToken.status == .movedPermanently)
            #expect(forToken.headers[.location] == "/v1/articles/launch-2027")
            #expect(forToken.headers[.cacheControl] == "private, no-store")
            let forPublic = try await client.get("/v1/articles/secret-plans")
            #expect(forPublic.status == .notFound)
            #expect(forPublic.headers[.location] == nil)

            // A published article's old slug is public knowledge and may be cached; an answer
            // to a request with a token is its holder's alone, whatever it says.
            _ = try await client.send(
                .patch,
                "/v1/articles/go-in-production",
                json: #"{"slug":"go-in-prod"}"#,
                token: token
            )
            for (headers, cacheControl): (HTTPFields, String) in [
                ([:], "public, max-age=300"), ([.authorization: "Bearer \(token)"], "private, no-store"),
            ] {
                let old = try await client.get("/v1/articles/go-in-production", headers: headers)
                #expect(old.status == .movedPermanently)
                #expect(old.headers[.cacheControl] == cacheControl)
            }
        }
    }

    @Test(arguments: AppEngine.available) func deleteIs204AndRemovesTagsAndRedirects(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            _ = try await client.send(
                .patch,
                "/v1/articles/go-in-production",
                json: #"{"slug":"go-prod"}"#,
                token: token
            )
            let etag = try #require(try await client.get("/v1/articles/go-prod").headers[.eTag])
            let response = try await client.send(
                .delete,
                "/v1/articles/go-prod",
                token: token,
                headers: [.ifMatch: etag]
            )
            #expect(response.status == .noContent)
            #expect(response.body.readableBytes == 0)
            #expect(try await storedArticle(storage, "go-prod") == nil)
            #expect(try await storage.integer("SELECT count(*) FROM article_redirects") == 0)
            #expect(
                try await storage.integer(
                    "SELECT count(*) FROM article_tags WHERE article_id NOT IN (SELECT id FROM articles)"
                ) == 0
            )
            #expect(try await client.get("/v1/articles/go-in-production").status == .notFound)
            #expect(try await client.send(.delete, "/v1/articles/go-prod", token: token).status == .notFound)
            #expect(try await client.get("/v1/articles?q=goroutine").json["data"].slugs.isEmpty)
        }
    }
}
