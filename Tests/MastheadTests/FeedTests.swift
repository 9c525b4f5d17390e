import Foundation
import GRDB
import MastheadSQLite
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

#if canImport(FoundationXML)
import FoundationXML
#endif

/// `/feed.xml`, `/feed.json` and `/sitemap.xml`: published articles only, escaped, on the
/// site's URL; the XML documents are read back with a real XML parser.
@Suite struct FeedTests {
    static let hostileTitle = "Tags & <script>alert(\"x\")</script> \u{1}done"

    static func seed(_ seeder: Seeder) async throws {
        _ = try await seeder.stores.catalog.replaceSite(
            with: SiteInput(
                title: "Signal & Noise",
                description: "Notes <from> the team",
                url: "https://signal.example.com/",
                locale: "en-GB",
                timezone: "UTC"
            ),
            expectedRevision: nil
        )
        try await seeder.author("alex-kim", name: "Alex <Kim>")
        try await seeder.tag("api", name: "API & Co")
        try await seeder.article(
            "hostile",
            title: hostileTitle,
            author: "alex-kim",
            tags: ["api"],
            publishedAt: seeder.daysAgo(1),
            body: "Hello **world** & <b>raw</b>"
        )
        try await seeder.article("older", author: "alex-kim", publishedAt: seeder.daysAgo(3))
        try await seeder.article("a-draft", author: "alex-kim", publishedAt: nil)
        try await seeder.article("scheduled", author: "alex-kim", publishedAt: seeder.now.adding(days: 2))
    }

    @Test(arguments: AppEngine.available) func rssIsWellFormedAndListsPublishedArticlesNewestFirst(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, seed: Self.seed) { client, _ async throws in
            let response = try await client.get("/feed.xml")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/rss+xml; charset=utf-8")
            #expect(response.headers[.eTag] != nil)
            let document = try XMLDocumentReader(Data(buffer: response.body))
            #expect(document.root == "rss")
            #expect(document.texts("channel/title") == ["Signal & Noise"])
            #expect(document.texts("channel/link") == ["https://signal.example.com"])
            #expect(document.texts("channel/description") == ["Notes <from> the team"])
            #expect(document.texts("channel/language") == ["en-GB"])
            #expect(document.texts("item/title") == ["Tags & <script>alert(\"x\")</script> done", "Older"])
            #expect(
                document.texts("item/link") == [
                    "https://signal.example.com/articles/hostile", "https://signal.example.com/articles/older",
                ]
            )
            #expect(document.texts("item/category") == ["API & Co"])
            #expect(document.texts("item/dc:creator") == ["Alex <Kim>", "Alex <Kim>"])
            let content = try #require(document.texts("item/content:encoded").first)
            #expect(content.contains("<strong>world</strong>"))
            #expect(!content.contains("<b>raw</b>"))
            #expect(document.texts("item/pubDate").allSatisfy { $0.hasSuffix(" GMT") })
            #expect(!response.text.contains("<script>"))
        }
    }

    @Test(arguments: AppEngine.available) func sitemapListsTheHomeAndEveryPublishedArticle(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, seed: Self.seed) { client, _ async throws in
            let response = try await client.get("/sitemap.xml")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/xml; charset=utf-8")
            let document = try XMLDocumentReader(Data(buffer: response.body))
            #expect(document.root == "urlset")
            #expect(document.namespaces.contains("http://www.sitemaps.org/schemas/sitemap/0.9"))
            #expect(
                document.texts("url/loc") == [
                    "https://signal.example.com/", "https://signal.example.com/articles/hostile",
                    "https://signal.example.com/articles/older",
                ]
            )
            #expect(document.texts("url/lastmod").count == 2)
            #expect(document.texts("url/lastmod").allSatisfy { Timestamp(rfc3339: $0) != nil })
        }
    }

    @Test(arguments: AppEngine.available) func jsonFeedFollowsVersion11(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: Self.seed) { client, _ async throws in
            let response = try await client.get("/feed.json")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType] == "application/feed+json; charset=utf-8")
            let feed = try response.json
            #expect(feed["version"].string == "https://jsonfeed.org/version/1.1")
            #expect(feed["title"].string == "Signal & Noise")
            #expect(feed["home_page_url"].string == "https://signal.example.com/")
            let items = feed["items"].array
            #expect(
                items.map { $0["id"].string } == [
                    "https://signal.example.com/articles/hostile", "https://signal.example.com/articles/older",
                ]
            )
            #expect(items[0]["title"].string == Self.hostileTitle)
            #expect(items[0]["authors"][0]["name"].string == "Alex <Kim>")
            #expect(items[0]["tags"][0].string == "API & Co")
            #expect(items[0]["content_html"].string?.contains("<strong>world</strong>") == true)
            #expect(items[0]["date_published"].string.flatMap(Timestamp.init(rfc3339:)) != nil)
        }
    }

    @Test func aPublishedArticleAppearsInTheFeedsAndAnUnpublishedOneLeaves() async throws {
        try await withApp(seed: Self.seed) { client, database async throws in
            try await database.writer.write { db in
                try db.execute(sql: "UPDATE articles SET status = 'draft' WHERE slug = 'older'")
            }
            let rss = try XMLDocumentReader(Data(buffer: try await client.get("/feed.xml").body))
            #expect(rss.texts("item/link") == ["https://signal.example.com/articles/hostile"])
            let sitemap = try XMLDocumentReader(Data(buffer: try await client.get("/sitemap.xml").body))
            #expect(sitemap.texts("url/loc").count == 2)
        }
    }

    @Test(arguments: AppEngine.available) func feedsTakeNoQueryParameters(engine: AppEngine) async throws {
        try await withApp(on: engine, seed: Self.seed) { client, _ async throws in
            for path in ["/feed.xml?x=1", "/feed.json?page=2", "/sitemap.xml?limit=1"] {
                #expect(try await client.get(path).status == .badRequest)
            }
        }
    }

    /// Feeds and the sitemap are cached like `/v1` reads and go stale with the same writes.
    @Test(arguments: AppEngine.available) func feedsAndTheSitemapAreCachedUntilAWriteChangesThem(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, seed: Self.seed) { client, storage async throws in
            for path in ["/feed.xml", "/feed.json", "/sitemap.xml"] {
                #expect(try await client.get(path).headers[.xCache] == "miss", "\(path)")
                let again = try await client.get(path)
                #expect(again.headers[.xCache] == "hit", "\(path)")
                #expect(
                    again.headers[.cacheControl] == "public, max-age=60, stale-while-revalidate=300, stale-if-error=300"
                )
            }
            let token = try await storage.token([.admin])
            let created = try await client.send(
                .post,
                "/v1/articles",
                json:
                    #"{"title":"Fresh off the press","body_markdown":"New.","status":"published","author":"alex-kim"}"#,
                token: token
            )
            #expect(created.status == .created)
            for path in ["/feed.xml", "/feed.json", "/sitemap.xml"] {
                let fresh = try await client.get(path)
                #expect(fresh.headers[.xCache] == "miss", "\(path)")
                #expect(fresh.text.contains("fresh-off-the-press"), "\(path)")
            }
            let site = try await client.send(
                .put,
                "/v1/site",
                json: #"{"title":"Renamed Signal","url":"https://signal.example.com"}"#,
                token: token
            )
            #expect(site.status == .ok)
            #expect(try await client.get("/feed.xml").text.contains("Renamed Signal"))
        }
    }

    /// The sitemap reads no article row: a covering index answers it.
    @Test func theSitemapQueryReadsOnlyAnIndex() async throws {
        let folder = try TemporaryFolder()
        let database = try AppDatabase(path: folder.databasePath)
        let plan = try await database.reader.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    EXPLAIN QUERY PLAN SELECT a.slug, a.canonical_url, a.updated_at FROM articles a
                    WHERE a.status = 'published' AND a.published_at <= '2026-11-28T12:00:00Z'
                    ORDER BY a.published_at DESC, a.id DESC LIMIT 50000
                    """
            ).map { $0["detail"] as String }
        }
        #expect(plan.contains { $0.contains("COVERING INDEX articles_sitemap") }, "\(plan)")
    }
}

/// A parsed XML document: the root element's name, namespaces, and the text of elements
/// found by the path of their last two names (`item/title`), in document order.
final class XMLDocumentReader: NSObject, XMLParserDelegate {
    private(set) var root: String?
    private(set) var namespaces: [String] = []
    private var stack: [String] = []
    private var text = ""
    private var found: [String: [String]] = [:]

    struct Malformed: Error, CustomStringConvertible {
        let description: String
    }

    init(_ data: Data) throws {
        super.init()
        let parser = XMLParser(data: data)
        parser.delegate = self
        guard parser.parse() else {
            throw Malformed(description: parser.parserError.map { "\($0)" } ?? "not XML")
        }
    }

    func texts(_ path: String) -> [String] { found[path] ?? [] }

    func parser(
        _ parser: XMLParser,
        didStartElement name: String,
        namespaceURI: String?,
        qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if root == nil {
            root = name
            namespaces = attributes.filter { $0.key.hasPrefix("xmlns") }.map(\.value)
        }
        stack.append(name)
        text = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        text += string
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let path = stack.suffix(2).joined(separator: "/")
        found[path, default: []].append(text)
        stack.removeLast()
        text = ""
    }

}
