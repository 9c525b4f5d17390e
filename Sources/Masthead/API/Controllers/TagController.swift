import Hummingbird
import MastheadDomain
import MastheadStorage

/// `GET /v1/tags` (`sort=name`, the default, or `-article_count`) and `GET /v1/tags/{slug}`.
package struct TagController {
    package let tags: any TagStore

    package var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get(use: list)
        routes.get("{slug}", use: show)
        return routes
    }

    @Sendable package func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let reader = try QueryReader(context, allowed: ["page", "limit", "sort"])
        let page = try reader.pageRequest()
        var sort = TagSort.name
        if let text = reader.string("sort") {
            guard let parsed = TagSort(rawValue: text) else {
                throw ProblemError.invalidParameter("sort", "must be name or -article_count.")
            }
            sort = parsed
        }
        let found = try await tags.list(page, sort: sort)
        return JSONResponse.page(found.items.map(TagResponse.init), of: page, total: found.total, for: request, context)
    }

    @Sendable package func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try QueryReader(context, allowed: [])
        let tag = try await tags.find(slug: try context.slug(of: .tag))
        return JSONResponse.make(DataEnvelope(data: TagResponse(tag)), version: tag.version)
    }
}

package struct TagResponse: JSONEncodable {
    package let tag: Tag

    package init(_ tag: Tag) {
        self.tag = tag
    }

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("id", tag.id)
            object.field("slug", tag.slug)
            object.field("name", tag.name)
            for field in TagDetails.fields {
                object.field(field.name, tag.details[field])
            }
            object.field("article_count", tag.articleCount)
        }
    }
}
