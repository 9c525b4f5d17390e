import Foundation
import HummingbirdTesting
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

/// Unpublished content never shows and never moves a public number: every anonymous
/// response is byte-identical before and after drafts and scheduled articles are written,
/// edited and deleted, however many tags and words they share with what is public
/// (related scores, search scores and orders, totals, counts, feeds).
@Suite struct UnpublishedContentTests {
    /// Every anonymous read whose answer depends on articles.
    private static func publicPaths(_ client: some TestClientProtocol) async throws -> [String] {
        var paths = [
            "/v1/articles", "/v1/articles?limit=100", "/v1/articles?tag=go", "/v1/articles?tag=observability",
            "/v1/articles?q=observability", "/v1/articles?q=go", "/v1/articles?q=shutdown&sort=-published_at",
            "/v1/articles?featured=true", "/v1/search?q=observability", "/v1/search?q=go", "/v1/search?q=shutdown",
            "/v1/search?q=graceful&type=article", "/v1/search?q=brand", "/v1/tags", "/v1/tags?sort=-article_count",
            "/v1/authors", "/v1/popular", "/v1/popular?window=all", "/v1/catalog", "/feed.xml", "/feed.json",
            "/sitemap.xml",
        ]
        let articles = try await client.get("/v1/articles?limit=100").json["data"].slugs
        #expect(articles.count >= 5)
        for slug in articles {
            paths += ["/v1/articles/\(slug)", "/v1/articles/\(slug)/related", "/v1/articles/\(slug)/related?limit=12"]
        }
        for tag in try await client.get("/v1/tags?limit=100").json["data"].slugs { paths.append("/v1/tags/\(tag)") }
        for author in try await client.get("/v1/authors").json["data"].slugs { paths.append("/v1/authors/\(author)") }
        return paths
    }

    private static func snapshot(_ paths: [String], _ client: some TestClientProtocol) async throws -> [String: String]
    {
        var bodies: [String: String] = [:]
        for path in paths {
            let response = try await client.get(path)
            #expect(response.status == .ok, "\(path)")
            bodies[path] = String(buffer: response.body)
        }
        return bodies
    }

    @Test(arguments: AppEngine.available) func anonymousAnswersDoNotMoveWhenUnpublishedContentIsWritten(
        engine: AppEngine
    ) async throws {
        let clock = TestClock()
        try await withApp(on: engine, demo: true, clock: clock, cacheMaxBytes: 0) { client, storage async throws in
            let paths = try await Self.publicPaths(client)
            let before = try await Self.snapshot(paths, client)
            let writer = try await storage.token([.contentWrite])
            let tomorrow = clock.now.adding(days: 1).rfc3339
            let words =
                "Observability for Go services: graceful shutdown, tracing, metrics and logs. "
                + "Go observability, go shutdown, go go go. Build your brand."
            var written: [String] = []
            for (index, status) in ["draft", "draft", "published", "draft", "published"].enumerated() {
                let when = status == "published" ? #", "published_at": "\#(tomorrow)""# : ""
                let created = try await client.send(
                    .post,
                    "/v1/articles",
                    json: """
                        {"slug": "unpublished-\(index)", "title": "Go observability and graceful shutdown \(index)",
                         "excerpt": "Go, observability, shutdown.", "body_markdown": "\(words) \(words)",
                         "author": "alex-kim", "tags": ["go", "observability"], "status": "\(status)",
                         "featured": true\(when)}
                        """,
                    token: writer
                )
                #expect(created.status == .created, "\(String(buffer: created.body))")
                written.append("unpublished-\(index)")
            }
            // Edited, renamed and one deleted: still nothing public moves.
            let patched = try await client.send(
                .patch,
                "/v1/articles/unpublished-0",
                json: #"{"slug": "renamed-draft", "title": "Observability observability observability"}"#,
                token: writer
            )
            #expect(patched.status == .ok)
            #expect(try await client.send(.delete, "/v1/articles/unpublished-1", token: writer).status == .noContent)
            #expect(try await storage.integer("SELECT count(*) FROM articles WHERE slug LIKE 'unpublished-%'") == 3)

            let after = try await Self.snapshot(paths, client)
            for path in paths where before[path] != after[path] {
                Issue.record("\(path) changed:\nbefore \(before[path] ?? "")\nafter  \(after[path] ?? "")")
            }
            // And once the scheduled ones' time comes, they are public like any other.
            clock.advance(seconds: 2 * 86_400)
            let found = try await client.get("/v1/search?q=graceful&type=article&limit=50").json["data"].slugs
            #expect(found.contains("unpublished-2") && found.contains("unpublished-4"), "\(found)")
            #expect(!found.contains("renamed-draft") && !found.contains("unpublished-3"), "\(found)")
        }
    }
}
