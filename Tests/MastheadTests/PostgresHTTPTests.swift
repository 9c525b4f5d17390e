import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MastheadStorage
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

/// The HTTP API on a PostgreSQL database, through the real server: the flows that reach
/// storage, with status, body and stored state checked (the state through the stores).
@Suite(.enabled(if: PostgresTestServer.isConfigured, "set MASTHEAD_TEST_POSTGRES_URL to run the PostgreSQL tests"))
struct PostgresHTTPTests {
    /// Runs `body` against a live server on a new PostgreSQL database with the demo content,
    /// with an admin token and the stores over the same database.
    static func withPostgresApp(
        clock: TestClock = TestClock(),
        _ body: @Sendable (any TestClientProtocol, String, Stores) async throws -> Void
    ) async throws {
        let scratch = try await PostgresTestServer.makeEmptyDatabase()
        var configuration = AppConfiguration(port: 0, databasePath: scratch.url, loadDemoContent: true)
        configuration.databaseConnections = 4
        configuration.logLevel = .error
        configuration.views.dedupeWindowSeconds = 0
        var token: String?
        let app = try await buildApplication(configuration, clock: clock.contentClock) { token = $0.secret }
        let admin = try #require(token)
        let database = try await PostgresTestDatabase(location: scratch.location, owning: scratch)
        let stores = Stores.postgres(database.engine, clock: clock.contentClock)
        try await app.test(.live) { client in
            try await body(client, admin, stores)
        }
        withExtendedLifetime(database) {}
    }

    @Test func anArticleIsWrittenReadAndGuardedByItsRevision() async throws {
        try await Self.withPostgresApp { client, admin, stores in
            let created = try await client.send(
                .post,
                "/v1/articles",
                json:
                    #"{"title": "On Postgres", "body_markdown": "Rows *and* columns.", "author": "alex-kim", "tags": ["go"], "status": "published"}"#,
                token: admin
            )
            #expect(created.status == .created)
            #expect(created.headers[.location] == "/v1/articles/on-postgres")
            #expect(try created.json["data"]["body_html"].string == "<p>Rows <em>and</em> columns.</p>\n")
            let etag = try #require(created.headers[.eTag])

            let read = try await client.get("/v1/articles/on-postgres")
            #expect(try read.status == .ok && read.json["data"]["tags"].array.map { $0["slug"].string } == ["go"])
            #expect(try await stores.content.articles.find(slug: Slug("on-postgres")).revision == 1)

            let patched = try await client.send(
                .patch,
                "/v1/articles/on-postgres",
                json: #"{"title": "On PostgreSQL"}"#,
                token: admin,
                headers: [.ifMatch: etag]
            )
            #expect(try patched.status == .ok && patched.json["data"]["title"].string == "On PostgreSQL")
            let stale = try await client.send(
                .patch,
                "/v1/articles/on-postgres",
                json: #"{"title": "Lost update"}"#,
                token: admin,
                headers: [.ifMatch: etag]
            )
            #expect(stale.status == .preconditionFailed)
            let stored = try await stores.content.articles.find(slug: Slug("on-postgres"))
            #expect(stored.title == "On PostgreSQL" && stored.revision == 2)
        }
    }

    @Test func badWritesAreRefusedAndChangeNothing() async throws {
        try await Self.withPostgresApp { client, admin, stores in
            let before = try await stores.portability.export()
            let unknown = try await client.send(
                .post,
                "/v1/articles",
                json: #"{"title": "Orphan", "body_markdown": "x", "author": "nobody", "tags": ["nope"]}"#,
                token: admin
            )
            #expect(unknown.status == .unprocessableContent)
            #expect(try Set(unknown.json["errors"].array.map { $0["pointer"].string }) == ["/author", "/tags/0"])
            let taken = try await client.send(
                .post,
                "/v1/tags",
                json: #"{"name": "Go", "slug": "go"}"#,
                token: admin
            )
            #expect(try taken.status == .conflict && taken.json["code"].string == "slug_taken")
            let authorWithArticles = try await client.send(.delete, "/v1/authors/alex-kim", token: admin)
            #expect(authorWithArticles.status == .conflict)
            #expect(try await stores.portability.export() == before)
        }
    }

    @Test func searchFeedsAndViewsWorkOnPostgres() async throws {
        try await Self.withPostgresApp { client, _, stores in
            let search = try await client.get("/v1/search?q=observability")
            #expect(search.status == .ok)
            #expect(try search.json["data"].array.contains { $0["slug"].string == "observability" })
            #expect(search.text.contains("<mark>"))
            #expect(try await client.get("/v1/search?q=%22").status == .ok)

            let feed = try await client.get("/feed.xml")
            #expect(feed.status == .ok && feed.text.contains("<rss"))
            let sitemap = try await client.get("/sitemap.xml")
            #expect(sitemap.status == .ok && sitemap.text.contains("go-in-production"))

            let id = try #require(try await stores.views.viewable(slug: Slug("go-in-production")))
            let before = try await stores.views.storedViews(of: id)
            let counted = try await client.send(.post, "/v1/articles/go-in-production/views")
            #expect(counted.status == .ok)
            #expect(try await client.send(.post, "/v1/articles/no-such-article/views").status == .notFound)
            // The counter flushes every second.
            var stored = before
            for _ in 0..<50 where stored == before {
                try await Task.sleep(for: .milliseconds(100))
                stored = try await stores.views.storedViews(of: id)
            }
            #expect(stored == before + 1)
        }
    }
}
