import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import MastheadSQLite
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

private func count(_ storage: TestStorage, _ sql: String) async throws -> Int {
    try #require(try await storage.integer(sql))
}

@Suite struct AuthorWriteTests {
    @Test(arguments: AppEngine.available) func createPatchAndDeleteAnAuthor(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let created = try await client.send(
                .post,
                "/v1/authors",
                json: #"""
                    {"name":"Jo Writer","website_url":"https://jo.example","location":"Oslo",
                     "avatar_url":"https://jo.example/jo.png"}
                    """#,
                token: token
            )
            #expect(created.status == .created)
            #expect(created.headers[.location] == "/v1/authors/jo-writer")
            #expect(try created.json["data"]["article_count"].int == 0)
            let patched = try await client.send(
                .patch,
                "/v1/authors/jo-writer",
                json: #"{"bio":"Writes.","website_url":null}"#,
                token: token
            )
            #expect(try patched.json["data"]["bio"].string == "Writes.")
            #expect(try patched.json["data"]["website_url"].isNull)
            #expect(try patched.json["data"]["name"].string == "Jo Writer")
            // A merge patch keeps every field it does not name.
            #expect(try patched.json["data"]["location"].string == "Oslo")
            #expect(try patched.json["data"]["avatar_url"].string == "https://jo.example/jo.png")
            #expect(try await client.send(.delete, "/v1/authors/jo-writer", token: token).status == .noContent)
            #expect(try await count(storage, "SELECT COUNT(*) FROM authors WHERE slug = 'jo-writer'") == 0)
        }
    }

    @Test(arguments: AppEngine.available) func deletingAnAuthorWithArticlesIs409NamingHowMany(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let response = try await client.send(.delete, "/v1/authors/maya-okafor", token: token)
            #expect(response.status == .conflict)
            #expect(try response.json["code"].string == "author_has_articles")
            #expect(try response.json["detail"].string?.contains("6 articles") == true)
            #expect(try await count(storage, "SELECT COUNT(*) FROM authors WHERE slug = 'maya-okafor'") == 1)
        }
    }

    @Test(arguments: AppEngine.available) func invalidAuthorsAre422(engine: AppEngine) async throws {
        try await withApp(on: engine) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let response = try await client.send(
                .post,
                "/v1/authors",
                json: #"{"name":"   ","avatar_url":"not a url","article_count":3}"#,
                token: token
            )
            #expect(response.status == .unprocessableContent)
            let pointers = try response.json["errors"].array.compactMap { $0["pointer"].string }
            #expect(Set(pointers) == ["/name", "/avatar_url", "/article_count"])
            #expect(try await count(storage, "SELECT COUNT(*) FROM authors") == 0)
        }
    }
}

@Suite struct TagWriteTests {
    /// Null removes a key in a merge patch; a key that is no field is still refused.
    @Test(arguments: AppEngine.available) func aPatchNamingNoFieldIsRefusedEvenWithNull(engine: AppEngine) async throws
    {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let before = try await client.get("/v1/tags/api").json
            for (patch, code) in [(#"{"nope":null}"#, "unknown_field"), (#"{"id":null}"#, "read_only")] {
                let response = try await client.send(.patch, "/v1/tags/api", json: patch, token: token)
                #expect(response.status == .unprocessableContent, "\(patch)")
                #expect(try response.json["errors"][0]["code"].string == code)
            }
            #expect(try await client.get("/v1/tags/api").json == before)
        }
    }

    /// A name with nothing to make a slug of is still a name: the slug is the resource's.
    @Test(arguments: AppEngine.available) func aNameInAnyScriptGetsASlug(engine: AppEngine) async throws {
        try await withApp(on: engine) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            for (name, slug) in [("你好", "tag"), ("»«", "tag-2"), ("Ünïcödé", "unicode")] {
                let response = try await client.send(.post, "/v1/tags", json: #"{"name":"\#(name)"}"#, token: token)
                #expect(response.status == .created, "\(name)")
                #expect(try response.json["data"]["slug"].string == slug)
                #expect(try response.json["data"]["name"].string == name)
            }
            #expect(try await count(storage, "SELECT COUNT(*) FROM tags") == 3)
        }
    }

    @Test(arguments: AppEngine.available) func deletingATagRemovesItFromItsArticles(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            #expect(
                try await client.get("/v1/articles/go-in-production").json["data"]["primary_tag"]["slug"].string
                    == "api"
            )
            #expect(try await client.send(.delete, "/v1/tags/api", token: token).status == .noContent)
            let article = try await client.get("/v1/articles/go-in-production").json["data"]
            #expect(article["tags"].slugs == ["go", "observability"])
            #expect(article["primary_tag"]["slug"].string == "go")
            #expect(
                try await count(storage, "SELECT COUNT(*) FROM article_tags WHERE tag_id NOT IN (SELECT id FROM tags)")
                    == 0
            )
            #expect(try await client.get("/v1/tags/api").status == .notFound)
        }
    }

    @Test(arguments: AppEngine.available) func renamingATagChangesItEverywhere(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let response = try await client.send(
                .put,
                "/v1/tags/go",
                json: #"{"name":"Golang","description":"Go."}"#,
                token: token
            )
            #expect(try response.json["data"]["slug"].string == "go")
            #expect(
                try await client.get("/v1/articles/go-in-production").json["data"]["tags"][1]["name"].string == "Golang"
            )
            let taken = try await client.send(.patch, "/v1/tags/go", json: #"{"slug":"api"}"#, token: token)
            #expect(taken.status == .conflict)
        }
    }
}

@Suite struct CatalogWriteTests {
    @Test(arguments: AppEngine.available) func platformsAndServicesAreLinkedFromEitherSide(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let platform = try await client.send(
                .post,
                "/v1/platforms",
                json:
                    #"{"name":"NOVA","focus":"Research","tagline":"Look ahead.","description":"Research.","services":["build-your-clarity"]}"#,
                token: token
            )
            #expect(platform.status == .created)
            #expect(try platform.json["data"]["position"].int == 7)
            #expect(try platform.json["data"]["services"].slugs == ["build-your-clarity"])
            #expect(
                try await client.get("/v1/services/build-your-clarity").json["data"]["platforms"].slugs == [
                    "stella", "nova",
                ]
            )

            let service = try await client.send(
                .patch,
                "/v1/services/build-your-clarity",
                json: #"{"platforms":["nova"]}"#,
                token: token
            )
            #expect(try service.json["data"]["platforms"].slugs == ["nova"])
            #expect(
                try await client.get("/v1/platforms/stella").json["data"]["services"].slugs == ["build-your-engine"]
            )
        }
    }

    @Test(arguments: AppEngine.available) func deletingAPlatformRemovesItsLinks(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            #expect(try await client.send(.delete, "/v1/platforms/argus", token: token).status == .noContent)
            #expect(
                try await client.get("/v1/services/build-your-engine").json["data"]["platforms"].slugs == [
                    "stella", "forge",
                ]
            )
            #expect(
                try await count(
                    storage,
                    "SELECT COUNT(*) FROM platform_services WHERE platform_id NOT IN (SELECT id FROM platforms)"
                ) == 0
            )
            #expect(try await client.get("/v1/catalog").json["data"]["platforms"].slugs.count == 5)
        }
    }

    @Test(arguments: AppEngine.available) func unknownLinkedSlugsAre422AndChangeNothing(engine: AppEngine) async throws
    {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let response = try await client.send(
                .patch,
                "/v1/platforms/arion",
                json: #"{"services":["nope","build-your-brand"],"position":-1}"#,
                token: token
            )
            #expect(response.status == .unprocessableContent)
            let pointers = try response.json["errors"].array.compactMap { $0["pointer"].string }
            #expect(Set(pointers) == ["/services/0", "/position"])
            #expect(try await client.get("/v1/platforms/arion").json["data"]["services"].slugs == ["build-your-brand"])
        }
    }
}

@Suite struct SiteWriteTests {
    @Test(arguments: AppEngine.available) func anAdminReplacesTheSiteSettings(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let admin = try await storage.token([.admin])
            let etag = try #require(try await client.get("/v1/site").headers[.eTag])
            let body =
                #"{"title":"Signal Weekly","description":"News.","url":"https://news.example","locale":"en-US","timezone":"America/New_York"}"#
            let response = try await client.send(.put, "/v1/site", json: body, token: admin, headers: [.ifMatch: etag])
            #expect(response.status == .ok)
            #expect(try response.json["data"]["title"].string == "Signal Weekly")
            #expect(try await client.get("/v1/catalog").json["data"]["site"]["timezone"].string == "America/New_York")
            let stale = try await client.send(.put, "/v1/site", json: body, token: admin, headers: [.ifMatch: etag])
            #expect(stale.status == .preconditionFailed)
        }
    }

    /// The tagline is the front page's one line about the catalog: optional in a PUT, where
    /// leaving it out means the site has none (a replace, like the description).
    @Test(arguments: AppEngine.available) func theSiteTaglineIsWrittenAndAReplaceWithoutItClearsIt(
        engine: AppEngine
    ) async throws {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let admin = try await storage.token([.admin])
            let with = #"{"title":"Signal","url":"https://signal.example.com","tagline":"Everything, once."}"#
            #expect(try await client.send(.put, "/v1/site", json: with, token: admin).status == .ok)
            #expect(try await client.get("/v1/catalog").json["data"]["site"]["tagline"].string == "Everything, once.")
            let without = #"{"title":"Signal","url":"https://signal.example.com"}"#
            #expect(try await client.send(.put, "/v1/site", json: without, token: admin).status == .ok)
            #expect(try await client.get("/v1/site").json["data"]["tagline"].string == "")

            let long =
                #"{"title":"Signal","url":"https://signal.example.com","tagline":""#
                + String(repeating: "a", count: 201)
                + #""}"#
            let refused = try await client.send(.put, "/v1/site", json: long, token: admin)
            #expect(refused.status == .unprocessableContent)
            #expect(try refused.json["errors"].array.compactMap { $0["pointer"].string } == ["/tagline"])
            #expect(try await client.get("/v1/site").json["data"]["tagline"].string == "")
        }
    }

    @Test(arguments: AppEngine.available) func invalidSiteSettingsAre422(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let admin = try await storage.token([.admin])
            let body = #"{"title":"X","url":"mailto:a@b.c","locale":"english please","timezone":"Mars/Olympus"}"#
            let response = try await client.send(.put, "/v1/site", json: body, token: admin)
            #expect(response.status == .unprocessableContent)
            let pointers = try response.json["errors"].array.compactMap { $0["pointer"].string }
            #expect(Set(pointers) == ["/url", "/locale", "/timezone"])
            #expect(try await client.get("/v1/site").json["data"]["title"].string == "Signal")
        }
    }
}

@Suite struct WriteRouteAuthenticationTests {
    /// Every route that writes, as the router has it, refuses a request without a token, so
    /// a write route added later without authentication fails here.
    @Test func everyWriteRouteRefusesAMissingToken() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(path: folder.databasePath)
        _ = try await DemoContent.load(into: database, now: .init(secondsSinceEpoch: 1_795_858_200))
        let router = makeRouter(database)
        // Counting a view is the one public write.
        let writes = router.routes.filter { [.post, .put, .patch, .delete].contains($0.method) }
            .filter { !$0.path.description.hasSuffix("/views") }
            .map { (method: $0.method, path: $0.path.description) }
        #expect(writes.count >= 21)
        let app = Application(router: router.router)
        try await app.test(.router) { client in
            for route in writes {
                let path = route.path.replacingOccurrences(of: "{slug}", with: "arion")
                    .replacingOccurrences(of: ":slug", with: "arion")
                let response = try await client.execute(
                    uri: path,
                    method: route.method,
                    headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: "{}")
                ) { $0 }
                #expect(response.status == .unauthorized, "\(route.method) \(route.path) answered \(response.status)")
                #expect(response.headers[.wwwAuthenticate] == "Bearer", "\(route.method) \(route.path)")
            }
        }
        #expect(
            try await database.reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM platforms") } == 6
        )
    }
}
