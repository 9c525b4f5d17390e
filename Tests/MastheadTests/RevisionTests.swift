import Foundation
import HummingbirdTesting
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

/// Article revisions: every write keeps the version it stored, with the token that wrote it;
/// any kept version can be read and restored.
@Suite struct RevisionTests {
    private static func seed(_ seed: Seeder) async throws {
        try await seed.author("ann")
        try await seed.author("bob")
        try await seed.tag("go")
        try await seed.tag("ops")
    }

    private static let first = #"""
        {"title": "First words", "slug": "notes", "body_markdown": "One.", "author": "ann", "tags": ["go"],
         "status": "published", "published_at": "2026-01-01T00:00:00Z"}
        """#

    @Test(arguments: AppEngine.available) func everyWriteKeepsItsVersionAndTheTokenThatWroteIt(engine: AppEngine)
        async throws
    {
        let clock = TestClock()
        try await withApp(on: engine, clock: clock, seed: Self.seed) { client, storage async throws in
            let writer = try await storage.token([.contentWrite], name: "editor")
            let writerID = try #require(try await storage.integer("SELECT id FROM api_tokens WHERE name = 'editor'"))
            let reader = try await storage.token([.contentRead], name: "viewer")
            #expect(try await client.send(.post, "/v1/articles", json: Self.first, token: writer).status == .created)
            clock.advance(seconds: 60)
            let put = #"""
                {"title": "Second words", "slug": "notes", "body_markdown": "Two.", "author": "bob", "tags": ["ops", "go"]}
                """#
            #expect(try await client.send(.put, "/v1/articles/notes", json: put, token: writer).status == .ok)
            clock.advance(seconds: 60)
            let patched = try await client.send(
                .patch,
                "/v1/articles/notes",
                json: #"{"status": "published"}"#,
                token: writer
            )
            #expect(patched.status == .ok)

            let list = try await client.send(.get, "/v1/articles/notes/revisions", token: reader)
            #expect(list.status == .ok)
            #expect(list.headers[.cacheControl] == "private, no-store")
            let items = try list.json["data"].array
            #expect(items.map(\.["revision"].int) == [3, 2, 1])
            #expect(items.map(\.["status"].string) == ["published", "draft", "published"])
            #expect(items.map(\.["title"].string) == ["Second words", "Second words", "First words"])
            #expect(items[2]["created_at"].string == clock.now.adding(seconds: -120).rfc3339)
            #expect(items[0]["created_by"]["name"].string == "editor")
            #expect(items[0]["created_by"]["id"].int == writerID)
            #expect(try list.json["meta"]["pagination"]["total"].int == 3)

            let original = try await client.send(.get, "/v1/articles/notes/revisions/1", token: reader)
            #expect(original.status == .ok)
            let article = try original.json["data"]["article"]
            #expect(article["title"].string == "First words")
            #expect(article["body_markdown"].string == "One.")
            #expect(article["author"].string == "ann")
            #expect(article["tags"].array.map(\.string) == ["go"])
            #expect(article["published_at"].string == "2026-01-01T00:00:00Z")
            #expect(try original.json["data"]["revision"].int == 1)
            #expect(!original.text.contains(writer))  // names the token, never its secret

            // Newest first, a page at a time.
            let paged = try await client.send(.get, "/v1/articles/notes/revisions?limit=2&page=2", token: reader)
            #expect(try paged.json["data"].array.map(\.["revision"].int) == [1])
            #expect(try await storage.integer("SELECT count(*) FROM article_revisions") == 3)
        }
    }

    @Test(arguments: AppEngine.available) func aRestoreWritesTheVersionBackAsANewRevision(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, seed: Self.seed) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            #expect(try await client.send(.post, "/v1/articles", json: Self.first, token: writer).status == .created)
            let renamed = #"""
                {"title": "Renamed", "slug": "renamed", "body_markdown": "Changed.", "author": "bob", "status": "draft"}
                """#
            let put = try await client.send(.put, "/v1/articles/notes", json: renamed, token: writer)
            #expect(put.status == .ok)
            let current = try #require(put.headers[.eTag])
            #expect(try await client.get("/v1/articles/renamed").status == .notFound)  // a draft now

            // A stale If-Match changes nothing.
            let stale = try await client.send(
                .post,
                "/v1/articles/renamed/revisions/1/restore",
                token: writer,
                headers: [.ifMatch: #""stale""#]
            )
            #expect(stale.status == .preconditionFailed)
            #expect(try await storage.text("SELECT title FROM articles") == "Renamed")
            #expect(try await storage.integer("SELECT count(*) FROM article_revisions") == 2)

            let restored = try await client.send(
                .post,
                "/v1/articles/renamed/revisions/1/restore",
                token: writer,
                headers: [.ifMatch: current]
            )
            #expect(restored.status == .ok)
            #expect(restored.headers[.eTag] != nil && restored.headers[.eTag] != current)
            let data = try restored.json["data"]
            #expect(data["slug"].string == "notes" && data["title"].string == "First words")
            #expect(data["status"].string == "published")
            #expect(data["published_at"].string == "2026-01-01T00:00:00Z")
            #expect(data["tags"].array.map(\.["slug"].string) == ["go"])
            #expect(try await storage.integer("SELECT revision FROM articles") == 3)

            // The public sees it again at its old address; the renamed one redirects there.
            let read = try await client.get("/v1/articles/notes")
            #expect(read.status == .ok)
            #expect(try read.json["data"]["body_html"].string == "<p>One.</p>\n")
            let history = try await client.send(.get, "/v1/articles/notes/revisions", token: writer)
            #expect(try history.json["data"].array.map(\.["revision"].int) == [3, 2, 1])
            let three = try await client.send(.get, "/v1/articles/notes/revisions/3", token: writer)
            let one = try await client.send(.get, "/v1/articles/notes/revisions/1", token: writer)
            #expect(try three.json["data"]["article"] == one.json["data"]["article"])
        }
    }

    @Test(arguments: AppEngine.available) func aRestoreThatCannotLandChangesNothing(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: Self.seed) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            let reader = try await storage.token([.contentRead], name: "viewer")
            #expect(try await client.send(.post, "/v1/articles", json: Self.first, token: writer).status == .created)
            let moved = #"{"title": "Moved", "slug": "moved", "body_markdown": "Two.", "author": "ann"}"#
            #expect(try await client.send(.put, "/v1/articles/notes", json: moved, token: writer).status == .ok)
            let taker = #"{"title": "Taker", "slug": "notes", "body_markdown": "Mine.", "author": "bob"}"#
            #expect(try await client.send(.post, "/v1/articles", json: taker, token: writer).status == .created)

            // Its old slug belongs to another article now.
            let taken = try await client.send(.post, "/v1/articles/moved/revisions/1/restore", token: writer)
            #expect(taken.status == .conflict)
            #expect(try taken.json["code"].string == "slug_taken")
            #expect(try await storage.text("SELECT title FROM articles WHERE slug = 'moved'") == "Moved")

            // Reading needs content:read, restoring content:write.
            #expect(try await client.get("/v1/articles/moved/revisions").status == .unauthorized)
            #expect(try await client.get("/v1/articles/moved/revisions/1").status == .unauthorized)
            let weak = try await client.send(.post, "/v1/articles/moved/revisions/2/restore", token: reader)
            #expect(weak.status == .forbidden)
            // Unknown articles and revisions.
            for path in [
                "/v1/articles/nope/revisions", "/v1/articles/moved/revisions/9", "/v1/articles/moved/revisions/x",
            ] {
                let missing = try await client.send(.get, path, token: reader)
                #expect(missing.status == .notFound, "\(path)")
                #expect(missing.headers[.contentType] == "application/problem+json", "\(path)")
            }
            let none = try await client.send(.post, "/v1/articles/moved/revisions/9/restore", token: writer)
            #expect(none.status == .notFound)
            #expect(try await storage.integer("SELECT count(*) FROM article_revisions") == 3)

            // They go with their article.
            #expect(try await client.send(.delete, "/v1/articles/moved", token: writer).status == .noContent)
            #expect(try await storage.integer("SELECT count(*) FROM article_revisions") == 1)
        }
    }

    @Test(arguments: AppEngine.available) func anArticleNeverWrittenKeepsItsVersionAtItsFirstWrite(engine: AppEngine)
        async throws
    {
        try await withApp(
            on: engine,
            seed: { seed in
                try await seed.author("ann")
                try await seed.tag("go")
                try await seed.article(
                    "imported",
                    author: "ann",
                    tags: ["go"],
                    publishedAt: seed.now,
                    body: "As found."
                )
            }
        ) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            let empty = try await client.send(.get, "/v1/articles/imported/revisions", token: writer)
            #expect(try empty.json["data"].array.isEmpty)
            let patched = try await client.send(
                .patch,
                "/v1/articles/imported",
                json: #"{"title": "Edited"}"#,
                token: writer
            )
            #expect(patched.status == .ok)
            let list = try await client.send(.get, "/v1/articles/imported/revisions", token: writer)
            let items = try list.json["data"].array
            #expect(items.map(\.["revision"].int) == [2, 1])
            #expect(items[1]["created_by"].isNull && items[0]["created_by"]["name"].string == "test")
            let found = try await client.send(.get, "/v1/articles/imported/revisions/1", token: writer)
            #expect(try found.json["data"]["article"]["body_markdown"].string == "As found.")
            #expect(try found.json["data"]["article"]["title"].string == "Imported")
            #expect(try found.json["data"]["article"]["tags"].array.map(\.string) == ["go"])
        }
    }

    @Test(arguments: AppEngine.available) func onlyTheNewestRevisionsAreKept(engine: AppEngine) async throws {
        try await withApp(on: engine, configure: { $0.revisionsKept = 3 }, seed: Self.seed) {
            client,
            storage async throws in
            let writer = try await storage.token([.contentWrite])
            #expect(try await client.send(.post, "/v1/articles", json: Self.first, token: writer).status == .created)
            for number in 2...5 {
                let patch = #"{"title": "Take \#(number)"}"#
                #expect(try await client.send(.patch, "/v1/articles/notes", json: patch, token: writer).status == .ok)
            }
            let list = try await client.send(.get, "/v1/articles/notes/revisions", token: writer)
            #expect(try list.json["data"].array.map(\.["revision"].int) == [5, 4, 3])
            #expect(try await storage.integer("SELECT count(*) FROM article_revisions") == 3)
            #expect(try await client.send(.get, "/v1/articles/notes/revisions/2", token: writer).status == .notFound)
        }
    }

    @Test func aSnapshotReadsBackAsTheInputThatRestoresIt() throws {
        var input = ArticleInput.make(slug: "kept", publishedAt: Timestamp(secondsSinceEpoch: 5), tags: ["go", "ops"])
        input.details.seoTitle = "SEO \"quoted\" / slashed"
        let snapshot = try ArticleSnapshot(input, slug: "kept", publishedAt: Timestamp(secondsSinceEpoch: 5))
        let decoded = try ArticleSnapshot(decoding: try snapshot.encoded())
        #expect(decoded == snapshot)
        #expect(decoded.input == input)
        #expect(throws: DecodingError.self) { try ArticleSnapshot(decoding: #"{"slug": "Not A Slug"}"#) }
    }
}
