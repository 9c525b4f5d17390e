import GRDB
import MastheadSQLite
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

@Suite struct DemoContentTests {
    @Test func demoHoldsThePublicationTheCatalogAndUnpublishedWork() async throws {
        let clock = TestClock()
        try await withApp(demo: true, clock: clock) { client, database async throws in
            let counts = try await database.reader.read { db in
                (
                    authors: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM authors")!,
                    tags: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tags")!,
                    drafts: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM articles WHERE status = 'draft'")!,
                    scheduled: try Int.fetchOne(
                        db,
                        sql: "SELECT COUNT(*) FROM articles WHERE status = 'published' AND published_at > ?",
                        arguments: [clock.now.rfc3339]
                    )!,
                    platforms: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM platforms")!,
                    services: try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM services")!
                )
            }
            #expect(counts.authors >= 3)
            #expect(counts.tags >= 12)
            #expect(counts.drafts == 2)
            #expect(counts.scheduled == 1)
            #expect(counts.platforms == 6)
            #expect(counts.services == 4)
            #expect(try await client.get("/v1/articles").json["meta"]["pagination"]["total"].int == 24)
            #expect(try await client.get("/v1/site").json["data"]["title"].string == "Signal")
        }
    }

    /// The demo says what the publication's own page (shared/seed/signal-page.txt) says.
    @Test(arguments: AppEngine.available) func theDemoSaysWhatThePublicationsPageSays(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, _ async throws in
            let alex = try await client.get("/v1/authors/alex-kim").json["data"]
            #expect(alex["name"].string == "Alex Kim")
            #expect(alex["bio"].string == "Software architect specializing in distributed systems and microservices.")
            let article = try await client.get("/v1/articles/go-in-production").json["data"]
            #expect(
                article["title"].string == "Go in Production: What They Don't Tell You in the Getting Started Guide"
            )
            #expect(article["author"]["slug"].string == "alex-kim")
            #expect(article["tags"].array.map(\.["name"].string) == ["API", "Go", "Observability"])
            #expect(article["reading_time_minutes"].int == 1)
            let html = try #require(article["body_html"].string)
            for heading in [
                "<h2>Goroutine Leaks Are Silent and Deadly</h2>", "<h2>The <code>interface{}</code> Trap</h2>",
                "<h2>Error Wrapping and the <code>errors.Is</code> Pattern</h2>",
            ] {
                #expect(html.contains(heading), "\(heading)")
            }

            let site = try await client.get("/v1/site").json["data"]
            #expect(site["tagline"].string == "One login. One data model. Six platforms. Zero app-switching.")

            let platforms = try await client.get("/v1/platforms").json["data"].array
            #expect(platforms.map(\.["name"].string) == ["ARION", "SPARK", "OLIVER", "STELLA", "FORGE", "ARGUS"])
            #expect(
                platforms.map(\.["focus"].string) == [
                    "Digital Presence & Branding", "Marketing & Growth Systems", "Operations, Admin & Execution",
                    "Data Intelligence & Analytics", "Custom Apps & Integrations", "Automation & Orchestration",
                ]
            )
            let taglines = Dictionary(
                uniqueKeysWithValues: platforms.map { ($0["slug"].string ?? "", $0["tagline"].string) }
            )
            #expect(taglines["spark"] == "Turn contacts into loyal customers with automated, data-driven marketing.")
            #expect(taglines["forge"] == "Build exactly what your business needs, connected to every tool you use.")
            #expect(taglines["argus"] == "The intelligence layer connecting every platform, automatically.")
            let services = try await client.get("/v1/services").json["data"].array
            #expect(
                services.map { "\($0["title"].string ?? "") — \($0["subtitle"].string ?? "")" } == [
                    "Build Your Brand — Presence, Visibility & Growth",
                    "Build Your Foundation — Operations, Process & Workflows",
                    "Build Your Clarity — Reporting, KPIs & Data Strategy",
                    "Build Your Engine — Integrations, Automation & Tech",
                ]
            )
        }
    }

    @Test(arguments: AppEngine.available) func goArticlesPageInFives(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, _ async throws in
            let first = try await client.get("/v1/articles?tag=go&limit=5")
            let json = try first.json
            #expect(json["data"].array.count == 5)
            #expect(json["meta"]["pagination"]["total"].int == 8)
            #expect(json["meta"]["pagination"]["next"].int == 2)
            #expect(first.headers[.link] == #"</v1/articles?tag=go&limit=5&page=2>; rel="next""#)
            let second = try await client.get("/v1/articles?tag=go&limit=5&page=2").json
            #expect(second["data"].array.count == 3)
            #expect(Set(json["data"].slugs).isDisjoint(with: second["data"].slugs))
        }
    }

    @Test func demoMarkdownUsesHeadingsListsLinksTablesAndCode() async throws {
        try await withApp(demo: true) { _, database async throws in
            let html = try await database.reader.read { db in
                try String.fetchAll(db, sql: "SELECT markdown FROM article_bodies").map(MarkdownRenderer.html).joined()
            }
            for element in ["<h2>", "<ul>", "<ol>", "<a href=", "<table>", "<pre><code"] {
                #expect(html.contains(element), "no \(element) in the demo articles")
            }
        }
    }

    @Test func demoContentLoadsOnlyIntoAnEmptyDatabase() async throws {
        try await withApp(demo: true) { _, database async throws in
            #expect(try await DemoContent.load(into: database, now: TestClock().now) == false)
            let articles = try await database.reader.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM articles")
            }
            #expect(articles == 27)
        }
        try await withApp(seed: { seed in try await seed.tag("mine") }) { _, database async throws in
            #expect(try await DemoContent.load(into: database, now: TestClock().now) == false)
            let tags = try await database.reader.read { db in try String.fetchAll(db, sql: "SELECT slug FROM tags") }
            #expect(tags == ["mine"])
        }
    }
}
