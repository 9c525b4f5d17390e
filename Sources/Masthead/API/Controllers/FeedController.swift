import Hummingbird
import MastheadDomain
import MastheadStorage

/// `GET /feed.xml` (RSS 2.0), `GET /feed.json` (JSON Feed 1.1) and `GET /sitemap.xml`:
/// published articles only, linked on the site's URL.
package struct FeedController {
    package let articles: any ArticleStore
    package let catalog: any CatalogStore

    /// Articles in a feed: the newest ones.
    package static var feedLength: Int { 20 }
    /// The most URLs one sitemap file may hold (sitemaps.org).
    package static var sitemapLimit: Int { 50_000 }

    package var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("feed.xml", use: rss)
        routes.get("feed.json", use: jsonFeed)
        routes.get("sitemap.xml", use: sitemap)
        return routes
    }

    @Sendable package func rss(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try QueryReader(context, allowed: [])
        let (site, latest) = try await newest()
        return Self.text(FeedDocuments.rss(site: site, articles: latest), type: "application/rss+xml; charset=utf-8")
    }

    @Sendable package func jsonFeed(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try QueryReader(context, allowed: [])
        let (site, latest) = try await newest()
        var response = JSONResponse.make(JSONFeed(site: site, articles: latest))
        response.headers[.contentType] = "application/feed+json; charset=utf-8"
        return response
    }

    @Sendable package func sitemap(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try QueryReader(context, allowed: [])
        let site = try await catalog.site()
        let entries = try await articles.sitemapEntries(limit: Self.sitemapLimit)
        return Self.text(FeedDocuments.sitemap(site: site, entries: entries), type: "application/xml; charset=utf-8")
    }

    private func newest() async throws -> (Site, [Article]) {
        var query = ArticleListQuery()
        query.limit = Self.feedLength
        query.bodies = [.html]
        return (try await catalog.site(), try await articles.list(query).articles)
    }

    private static func text(_ text: String, type: String) -> Response {
        Response(status: .ok, headers: [.contentType: type], body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
