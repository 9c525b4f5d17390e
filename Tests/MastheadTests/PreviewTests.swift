import Foundation
import HummingbirdTesting
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

/// Draft previews: a signed, expiring link to one article that is not public yet.
@Suite struct PreviewTests {
    private static func seed(_ seed: Seeder) async throws {
        try await seed.author("ann")
        try await seed.article("draft", author: "ann", publishedAt: nil, body: "Not out yet.")
        try await seed.article("other-draft", author: "ann", publishedAt: nil)
        try await seed.article("later", author: "ann", publishedAt: seed.now.adding(days: 1))
    }

    /// Makes a link to `slug` and returns its token.
    private static func link(
        _ slug: String,
        _ client: some TestClientProtocol,
        token: String,
        json: String? = nil
    ) async throws -> String {
        let created = try await client.send(.post, "/v1/articles/\(slug)/preview-links", json: json, token: token)
        #expect(created.status == .created)
        return try #require(try created.json["data"]["token"].string)
    }

    private static func expectInvalid(_ response: TestResponse, _ comment: Comment? = nil) throws {
        #expect(response.status == .forbidden, comment)
        #expect(try response.json["code"].string == "preview_invalid", comment)
    }

    @Test(arguments: AppEngine.available) func aLinkReadsItsOneArticleForItsHolderUntilItExpires(engine: AppEngine)
        async throws
    {
        let clock = TestClock()
        try await withApp(on: engine, clock: clock, seed: Self.seed) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            let created = try await client.send(.post, "/v1/articles/draft/preview-links", token: writer)
            #expect(created.status == .created)
            #expect(created.headers[.cacheControl] == "private, no-store")
            let link = try created.json["data"]
            let token = try #require(link["token"].string)
            #expect(token.hasPrefix("mhp_"))
            #expect(link["article"].string == "draft")
            #expect(link["url"].string == "/v1/articles/draft?preview=\(token)")
            #expect(link["api_url"].string == "/v1/articles/draft?preview=\(token)")
            #expect(link["created_at"].string == clock.now.rfc3339)
            #expect(link["expires_at"].string == clock.now.adding(seconds: 86_400).rfc3339)
            #expect(link["created_by"].string == "test")
            #expect(try await storage.integer("SELECT count(*) FROM preview_links") == 1)

            #expect(try await client.get("/v1/articles/draft").status == .notFound)
            for _ in 0..<2 {  // the second read would be a cache hit if it were cached
                let previewed = try await client.get("/v1/articles/draft?preview=\(token)")
                #expect(previewed.status == .ok)
                #expect(previewed.headers[.cacheControl] == "private, no-store")
                #expect(try previewed.json["data"]["slug"].string == "draft")
                #expect(try previewed.json["data"]["status"].string == "draft")
                #expect(try previewed.json["data"]["body_html"].string == "<p>Not out yet.</p>\n")
            }
            // Nothing else: not another article, not a list.
            try Self.expectInvalid(try await client.get("/v1/articles/other-draft?preview=\(token)"))
            try Self.expectInvalid(try await client.get("/v1/articles/later?preview=\(token)"))
            #expect(try await client.get("/v1/articles?status=draft&preview=\(token)").status == .badRequest)

            // A scheduled article has links too, with the lifetime asked for.
            let scheduled = try await Self.link("later", client, token: writer, json: #"{"expires_in": 3600}"#)
            #expect(try await client.get("/v1/articles/later?preview=\(scheduled)").status == .ok)
            clock.advance(seconds: 3_600)
            try Self.expectInvalid(try await client.get("/v1/articles/later?preview=\(scheduled)"))
            #expect(try await client.get("/v1/articles/draft?preview=\(token)").status == .ok)
            clock.advance(seconds: 86_400 - 3_600)
            try Self.expectInvalid(try await client.get("/v1/articles/draft?preview=\(token)"))
        }
    }

    @Test(arguments: AppEngine.available) func deletingALinkOrRotatingTheSecretRevokes(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: Self.seed) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            let first = try await Self.link("draft", client, token: writer)
            let second = try await Self.link("draft", client, token: writer)
            let listed = try await client.send(.get, "/v1/articles/draft/preview-links", token: writer)
            #expect(listed.status == .ok)
            let links = try listed.json["data"].array
            #expect(links.count == 2)
            #expect(links.allSatisfy { $0["token"].string == nil && $0["url"].string == nil })
            let firstID = try #require(links.last?["id"].int)

            let deleted = try await client.send(.delete, "/v1/articles/draft/preview-links/\(firstID)", token: writer)
            #expect(deleted.status == .noContent)
            #expect(try await storage.integer("SELECT count(*) FROM preview_links") == 1)
            try Self.expectInvalid(try await client.get("/v1/articles/draft?preview=\(first)"))
            #expect(try await client.get("/v1/articles/draft?preview=\(second)").status == .ok)
            let again = try await client.send(.delete, "/v1/articles/draft/preview-links/\(firstID)", token: writer)
            #expect(again.status == .notFound)
            let elsewhere = try await client.send(
                .delete,
                "/v1/articles/other-draft/preview-links/\(firstID + 1)",
                token: writer
            )
            #expect(elsewhere.status == .notFound)

            let notAdmin = try await client.send(.post, "/v1/preview-links/rotate-secret", token: writer)
            #expect(notAdmin.status == .forbidden)
            #expect(try await client.get("/v1/articles/draft?preview=\(second)").status == .ok)
            let admin = try await storage.token([.admin])
            let rotated = try await client.send(.post, "/v1/preview-links/rotate-secret", token: admin)
            #expect(rotated.status == .noContent)
            try Self.expectInvalid(try await client.get("/v1/articles/draft?preview=\(second)"))
            // New links work under the new secret.
            let third = try await Self.link("draft", client, token: writer)
            #expect(try await client.get("/v1/articles/draft?preview=\(third)").status == .ok)

            // Deleting the article takes its links with it.
            #expect(try await client.send(.delete, "/v1/articles/draft", token: writer).status == .noContent)
            #expect(try await storage.integer("SELECT count(*) FROM preview_links") == 0)
        }
    }

    /// The caching middleware reads the query as the handler does: a preview token under an
    /// encoded name is still a credential, so its answer is never kept or shared, and
    /// deleting the link or rotating the secret stops every spelling at once.
    @Test(arguments: AppEngine.available) func aPreviewInAnySpellingIsNeverShared(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: Self.seed) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            let spellings = ["preview", "pr%65view", "%70%72%65%76%69%65%77", "previe%77"]
            func paths(_ token: String) -> [String] {
                spellings.flatMap { name in
                    ["/v1/articles/draft?\(name)=\(token)", "/v1/articles/draft?fields=slug,status&\(name)=\(token)"]
                }
            }
            let first = try await Self.link("draft", client, token: writer)
            for path in paths(first) {
                for _ in 0..<2 {  // a second read would be a hit if the first had been kept
                    let read = try await client.get(path)
                    #expect(read.status == .ok, "\(path)")
                    #expect(read.headers[.cacheControl] == "private, no-store", "\(path)")
                    #expect(read.headers[.xCache] == nil, "\(path)")
                    #expect(try read.json["data"]["status"].string == "draft", "\(path)")
                }
            }
            // Refusals are not for shared caches either.
            let wrong = try await client.get("/v1/articles/draft?pr%65view=mhp_nonsense")
            try Self.expectInvalid(wrong)
            #expect(wrong.headers[.cacheControl] == "no-store")
            #expect(try await client.get("/v1/articles/draft").status == .notFound)

            let id = try #require(
                try await client.send(.get, "/v1/articles/draft/preview-links", token: writer).json["data"][0]["id"].int
            )
            #expect(
                try await client.send(.delete, "/v1/articles/draft/preview-links/\(id)", token: writer).status
                    == .noContent
            )
            for path in paths(first) { try Self.expectInvalid(try await client.get(path), "\(path)") }

            let second = try await Self.link("draft", client, token: writer)
            for path in paths(second) { #expect(try await client.get(path).status == .ok, "\(path)") }
            let admin = try await storage.token([.admin])
            #expect(try await client.send(.post, "/v1/preview-links/rotate-secret", token: admin).status == .noContent)
            for path in paths(second) { try Self.expectInvalid(try await client.get(path), "\(path)") }
        }
    }

    /// An article has at most 20 live links, counted where they are written (so creations at
    /// once cannot pass it), and its expired links are deleted when the next one is made and
    /// are no longer listed.
    @Test(arguments: AppEngine.available) func expiredLinksGoAndLiveOnesAreCapped(engine: AppEngine) async throws {
        let clock = TestClock()
        try await withApp(on: engine, clock: clock, seed: Self.seed) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            let path = "/v1/articles/draft/preview-links"
            let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                for _ in 0..<26 {
                    group.addTask {
                        Int(try await client.send(.post, path, json: #"{"expires_in": 60}"#, token: writer).status.code)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == 201 }.count == 20 && statuses.filter { $0 == 409 }.count == 6)
            let refused = try await client.send(.post, path, token: writer)
            #expect(refused.status == .conflict)
            #expect(try refused.json["code"].string == "too_many_preview_links")
            #expect(try await storage.integer("SELECT count(*) FROM preview_links") == 20)
            // Another article's links are its own.
            #expect(try await client.send(.post, "/v1/articles/later/preview-links", token: writer).status == .created)

            clock.advance(seconds: 61)
            #expect(try await client.send(.get, path, token: writer).json["data"].array.isEmpty)
            #expect(try await client.send(.post, path, token: writer).status == .created)
            #expect(try await storage.integer("SELECT count(*) FROM preview_links") == 2)
        }
    }

    @Test(arguments: AppEngine.available) func linksNeedAWriterAKnownArticleAndASaneLifetime(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, seed: Self.seed) { client, storage async throws in
            let path = "/v1/articles/draft/preview-links"
            #expect(try await client.send(.post, path).status == .unauthorized)
            let reader = try await storage.token([.contentRead])
            #expect(try await client.send(.post, path, token: reader).status == .forbidden)
            #expect(try await client.send(.get, path).status == .unauthorized)
            #expect(try await client.send(.get, path, token: reader).status == .ok)
            let writer = try await storage.token([.contentWrite])
            let missing = try await client.send(.post, "/v1/articles/nowhere/preview-links", token: writer)
            #expect(missing.status == .notFound)
            #expect(
                try await client.send(.get, "/v1/articles/nowhere/preview-links", token: writer).status == .notFound
            )
            for body in [
                #"{"expires_in": 10}"#, #"{"expires_in": 2592001}"#, #"{"expires_in": "1h"}"#, #"{"ttl": 60}"#,
            ] {
                let refused = try await client.send(.post, path, json: body, token: writer)
                #expect(refused.status == .unprocessableContent, "\(body)")
            }
            #expect(try await client.send(.post, path, json: "[1]", token: writer).status == .badRequest)
            #expect(try await storage.integer("SELECT count(*) FROM preview_links") == 0)
            for token in ["", "abc", "mhp_", "mhp_!!!!", "mh_" + String(repeating: "a", count: 46)] {
                try Self.expectInvalid(try await client.get("/v1/articles/draft?preview=\(token)"), "\(token)")
            }
        }
    }

    @Test(arguments: AppEngine.available) func aLinkFollowsItsArticleToANewSlug(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: Self.seed) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            let token = try await Self.link("draft", client, token: writer)
            let renamed = try await client.send(
                .patch,
                "/v1/articles/draft",
                json: #"{"slug": "renamed"}"#,
                token: writer
            )
            #expect(renamed.status == .ok)
            let moved = try await client.get("/v1/articles/draft?preview=\(token)")
            #expect(moved.status == .movedPermanently)
            #expect(moved.headers[.location] == "/v1/articles/renamed?preview=\(token)")
            #expect(moved.headers[.cacheControl] == "private, no-store")
            #expect(try await client.get("/v1/articles/renamed?preview=\(token)").status == .ok)
            try Self.expectInvalid(try await client.get("/v1/articles/other-draft?preview=\(token)"))
        }
    }

    @Test func aLinksURLIsTheFrontEndsPreviewPageWhenOneIsConfigured() async throws {
        try await withApp(
            on: .sqlite,
            configure: { $0.previewURL = PreviewURLTemplate("https://signal.example/preview/{slug}?token={token}") },
            seed: Self.seed
        ) { client, storage async throws in
            let writer = try await storage.token([.contentWrite])
            let link = try await client.send(.post, "/v1/articles/draft/preview-links", token: writer).json["data"]
            let token = try #require(link["token"].string)
            #expect(link["url"].string == "https://signal.example/preview/draft?token=\(token)")
            #expect(link["api_url"].string == "/v1/articles/draft?preview=\(token)")
        }
    }

    @Test func aTokenVerifiesOnlyForItsLinkUnderItsSecret() throws {
        let link = PreviewLink(
            id: 7,
            articleID: 3,
            articleSlug: "draft",
            createdAt: Timestamp(secondsSinceEpoch: 0),
            expiresAt: Timestamp(secondsSinceEpoch: 86_400),
            createdByTokenID: nil,
            createdByTokenName: nil
        )
        let secret = [UInt8](repeating: 1, count: 32)
        let signed = PreviewToken.sign(link, secret: secret)
        let token = try #require(PreviewToken(parsing: signed))
        #expect(token.linkID == 7)
        #expect(token.verifies(link, secret: secret))
        #expect(!token.verifies(link, secret: [UInt8](repeating: 2, count: 32)))
        let moved = PreviewLink(
            id: 7,
            articleID: 4,
            articleSlug: "other",
            createdAt: link.createdAt,
            expiresAt: link.expiresAt,
            createdByTokenID: nil,
            createdByTokenName: nil
        )
        #expect(!token.verifies(moved, secret: secret))
        // One character changed anywhere in the MAC is refused.
        var tampered = Array(signed)
        tampered[tampered.count - 2] = tampered[tampered.count - 2] == "A" ? "B" : "A"
        let forged = try #require(PreviewToken(parsing: String(tampered)))
        #expect(!forged.verifies(link, secret: secret))
        #expect(PreviewToken(parsing: "mhp_" + String(signed.dropFirst(5))) == nil)
    }
}
