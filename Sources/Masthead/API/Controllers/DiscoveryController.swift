import Hummingbird
import MastheadDomain
import MastheadStorage

/// `POST /v1/articles/{slug}/views`, `GET /v1/articles/{slug}/related` and `GET /v1/popular`.
package struct DiscoveryController {
    package let articles: any ArticleStore
    package let views: any ViewStore
    package let counter: ViewCounter
    package let targets: ViewTargets
    package let media: MediaLibrary

    package var articleEndpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("{slug}/views", use: countView)
        routes.get("{slug}/related", use: related)
        return routes
    }

    package var popularEndpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get(use: popular)
        return routes
    }

    /// Counts one view of a published article and answers with its total. The same visitor
    /// viewing the same article again within the dedupe window is answered but not counted.
    @Sendable package func countView(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try QueryReader(context, allowed: [])
        let slug = try context.slug(of: .article)
        guard let id = try await targets.id(for: slug, lookup: { try await views.viewable(slug: slug) }) else {
            throw StoreError.notFound(resource: .article, slug: slug.value)
        }
        let visitor = Visitor(address: context.clientAddress, userAgent: request.headers[.userAgent] ?? "")
        counter.record(articleID: id, visitor: visitor)
        let total = try await counter.total(of: id) { try await views.storedViews(of: id) }
        return JSONResponse.make(DataEnvelope(data: ViewCount(views: total)), headers: [.cacheControl: "no-store"])
    }

    /// Related articles, best first, each with its `score` and `reason`.
    @Sendable package func related(_ request: Request, context: AppRequestContext) async throws -> Response {
        let reader = try QueryReader(context, allowed: ["limit"])
        let limit = try reader.integer("limit", in: 1...12) ?? 3
        let related = try await articles.related(to: try context.slug(of: .article), limit: limit)
        let shelf = try await media.shelf(for: related.map(\.article), .listDefault)
        let items = related.map {
            ArticleResponse(
                article: $0.article,
                selection: .listDefault,
                extra: .related($0.score, $0.reason),
                shelf: shelf
            )
        }
        return JSONResponse.make(ListWithMeta(data: items, meta: RelatedMeta(limit: limit)))
    }

    /// `window` is 24h, 7d (the default), 30d or all; `limit` 1 to 50, default 10.
    @Sendable package func popular(_ request: Request, context: AppRequestContext) async throws -> Response {
        let reader = try QueryReader(context, allowed: ["window", "limit"])
        var window = PopularWindow.week
        if let text = reader.string("window") {
            guard let parsed = PopularWindow(rawValue: text) else {
                throw ProblemError.invalidParameter("window", "must be one of 24h, 7d, 30d, all.")
            }
            window = parsed
        }
        let limit = try reader.integer("limit", in: 1...50) ?? 10
        let popular = try await views.popular(window: window, limit: limit)
        let shelf = try await media.shelf(for: popular.map(\.article), .listDefault)
        let items = popular.map {
            ArticleResponse(
                article: $0.article,
                selection: .listDefault,
                extra: .viewsInWindow($0.viewsInWindow),
                shelf: shelf
            )
        }
        return JSONResponse.make(ListWithMeta(data: items, meta: PopularMeta(window: window, limit: limit)))
    }

    package struct RelatedMeta: JSONEncodable {
        package let limit: Int

        package func encode(to json: inout JSONWriter) {
            json.object { $0.field("limit", limit) }
        }
    }

    package struct PopularMeta: JSONEncodable {
        package let window: PopularWindow
        package let limit: Int

        package func encode(to json: inout JSONWriter) {
            json.object { object in
                object.field("window", window.rawValue)
                object.field("limit", limit)
            }
        }
    }

    package struct ViewCount: JSONEncodable {
        package let views: Int

        package func encode(to json: inout JSONWriter) {
            json.object { $0.field("views", views) }
        }
    }
}
