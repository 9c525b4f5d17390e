import Hummingbird

/// `GET /v1/authors` (by name) and `GET /v1/authors/{slug}`.
struct AuthorController<Repository: AuthorRepository> {
    let repository: Repository

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get(use: list)
        routes.get("{slug}", use: show)
        return routes
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = try QueryReader(request, allowed: ["page", "limit"]).pageRequest()
        let authors = try await repository.list(page)
        return JSONResponse.page(authors.items.map(AuthorResponse.init), of: page, total: authors.total, for: request)
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try QueryReader(request, allowed: [])
        let author = try await repository.find(slug: try context.slug(of: "author"))
        return JSONResponse.make(
            DataEnvelope(data: AuthorResponse(author)),
            headers: HTTPFields(lastModified: author.updatedAt),
            version: author.version
        )
    }
}

struct AuthorResponse: JSONEncodable {
    let author: Author

    init(_ author: Author) {
        self.author = author
    }

    func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("id", author.id)
            object.field("slug", author.slug)
            object.field("name", author.name)
            object.field("bio", author.bio)
            object.field("avatar_url", author.avatarURL)
            object.field("website_url", author.websiteURL)
            object.field("location", author.location)
            object.field("article_count", author.articleCount)
            object.field("created_at", author.createdAt)
            object.field("updated_at", author.updatedAt)
        }
    }
}
