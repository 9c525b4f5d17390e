import Hummingbird
import MastheadDomain
import MastheadStorage

/// `GET /v1/articles` and `GET /v1/articles/{slug}`.
package struct ArticleController {
    package let articles: any ArticleStore
    package let previews: PreviewAccess
    package let media: MediaLibrary

    package var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get(use: list)
        routes.get("{slug}", use: show)
        return routes
    }

    package static var listParameters: [String] {
        [
            "page", "limit", "cursor", "tag", "author", "featured", "status", "published_after", "published_before",
            "q",
            "sort", "fields", "formats",
        ]
    }

    @Sendable package func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let reader = try QueryReader(context, allowed: Self.listParameters)
        var query = ArticleListQuery()
        query.limit = try reader.limit()
        query.tags = try reader.slugs("tag", maxCount: ArticleListQuery.maximumTags) ?? []
        if let authors = try reader.slugs("author", maxCount: 1) {
            guard authors.count == 1 else { throw ProblemError.invalidParameter("author", "takes one author slug.") }
            query.author = authors[0]
        }
        query.featured = try reader.boolean("featured")
        query.publishedAfter = try reader.timestamp("published_after")
        query.publishedBefore = try reader.timestamp("published_before")
        query.visibility = try Self.visibility(reader.string("status"), context: context)
        query.search = try reader.searchQuery("q", required: false)
        if let sort = reader.string("sort") {
            guard let parsed = ArticleSort(parsing: sort) else {
                let allowed = ArticleSortField.allCases.map(\.rawValue).joined(separator: ", ")
                throw ProblemError.invalidParameter(
                    "sort",
                    "must be one of \(allowed), each optionally prefixed with '-'."
                )
            }
            query.sort = parsed
        }
        query.paging = try Self.paging(reader, sort: query.effectiveSort)
        let selection = try Self.selection(reader, defaultFormats: [])
        query.bodies = selection.bodies

        let page = try await articles.list(query)
        let cursorToken: String?? =
            query.effectiveSort?.field.supportsCursor == true ? .some(page.nextCursor?.token) : .none
        let pagination =
            switch query.paging {
            case .page(let number):
                PaginationMeta(
                    page: PageRequest(number: number, limit: query.limit),
                    total: page.total,
                    nextCursor: cursorToken
                )
            case .after:
                PaginationMeta(limit: query.limit, total: page.total, nextCursor: page.nextCursor?.token)
            }
        let shelf = try await media.shelf(for: page.articles, selection)
        let items = page.articles.map { ArticleResponse(article: $0, selection: selection, shelf: shelf) }
        return JSONResponse.make(
            ListEnvelope(data: items, pagination: pagination),
            headers: pagination.headers(for: request, context)
        )
    }

    /// One article; a token with `content:read` also sees drafts and scheduled articles.
    /// A slug the article had before a rename answers 301 with the current address.
    @Sendable package func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let reader = try QueryReader(context, allowed: ["fields", "formats", "preview"])
        let selection = try Self.selection(reader, defaultFormats: [.html])
        let slug = try context.slug(of: .article)
        if let token = reader.string("preview") {
            return try await preview(slug, token: token, selection: selection, request: request)
        }
        let visibility: ArticleVisibility = context.token?.allows(.contentRead) == true ? .all : .published
        do {
            let article = try await articles.find(slug: slug, bodies: selection.bodies, visibility: visibility)
            return try await response(article, selection: selection)
        } catch StoreError.notFound(let resource, let missing) {
            // A redirect to a public article may be cached by anyone; one to an article only
            // a token may see is for that token holder alone, or shared caches would learn
            // the draft's new slug.
            var cacheControl = "public, max-age=300"
            var current = try await articles.currentSlug(forOldSlug: slug, visibility: .published)
            if current == nil, visibility != .published {
                current = try await articles.currentSlug(forOldSlug: slug, visibility: visibility)
                cacheControl = "private, no-store"
            }
            guard let current else { throw StoreError.notFound(resource: resource, slug: missing) }
            let query = request.uri.query.map { "?" + $0 } ?? ""
            return Response(
                status: .movedPermanently,
                headers: [.location: "/v1/articles/\(current)\(query)", .cacheControl: cacheControl]
            )
        }
    }

    /// The one article a preview link is for, whatever its status, for its holder alone. A
    /// link to an article renamed since leads to where it is now.
    private func preview(_ slug: Slug, token: String, selection: ArticleSelection, request: Request) async throws
        -> Response
    {
        let link = try await previews.link(for: token)
        guard link.articleSlug == slug.value else {
            guard try await articles.currentSlug(forOldSlug: slug, visibility: .all) == link.articleSlug else {
                throw PreviewAccess.invalid
            }
            let query = request.uri.query.map { "?" + $0 } ?? ""
            return Response(
                status: .movedPermanently,
                headers: [.location: "/v1/articles/\(link.articleSlug)\(query)", .cacheControl: "private, no-store"]
            )
        }
        let article = try await articles.find(slug: slug, bodies: selection.bodies, visibility: .all)
        return try await response(article, selection: selection, cacheControl: "private, no-store")
    }

    /// One article as `show` serves it; `cacheControl`, when given, overrides the caching
    /// middleware's choice.
    private func response(_ article: Article, selection: ArticleSelection, cacheControl: String? = nil) async throws
        -> Response
    {
        let shelf = try await media.shelf(for: [article], selection)
        var headers = HTTPFields(lastModified: article.updatedAt)
        headers[.cacheControl] = cacheControl
        return JSONResponse.make(
            DataEnvelope(data: ArticleResponse(article: article, selection: selection, shelf: shelf)),
            headers: headers,
            version: article.version
        )
    }

    /// Drafts and scheduled articles are for tokens with `content:read`; anyone may ask for
    /// what the public sees anyway.
    private static func visibility(_ status: String?, context: AppRequestContext) throws -> ArticleVisibility {
        let visibility: ArticleVisibility
        switch status {
        case nil, "published": return .published
        case "draft": visibility = .drafts
        case "scheduled": visibility = .scheduled
        case "all": visibility = .all
        default: throw ProblemError.invalidParameter("status", "must be one of published, draft, scheduled, all.")
        }
        try context.require(.contentRead)
        return visibility
    }

    private static func paging(_ reader: QueryReader, sort: ArticleSort?) throws -> ArticlePaging {
        guard let token = reader.string("cursor") else {
            return .page(try reader.pageRequest().number)
        }
        guard reader.string("page") == nil else {
            throw ProblemError.invalidParameter("cursor", "cannot be combined with page.")
        }
        guard let cursor = ArticleCursor(token: token) else {
            throw ProblemError.invalidParameter("cursor", "is not a cursor this server issued.")
        }
        guard cursor.sort == sort else {
            throw ProblemError.invalidParameter(
                "cursor",
                "was issued for sort=\(cursor.sort.description); ask again with that sort, or start over without a cursor."
            )
        }
        return .after(cursor)
    }

    private static func selection(_ reader: QueryReader, defaultFormats: [BodyFormat]) throws -> ArticleSelection {
        let fields = try reader.list("fields", maxCount: ArticleField.allCases.count)?.map { name in
            guard let field = ArticleField(rawValue: name) else {
                throw ProblemError.invalidParameter(
                    "fields",
                    "'\(TextRules.printable(name))' is not an article field."
                )
            }
            return field
        }
        let formats = try reader.list("formats", maxCount: BodyFormat.allCases.count)?.map { name in
            guard let format = BodyFormat(rawValue: name) else {
                throw ProblemError.invalidParameter("formats", "must list html, markdown or plaintext.")
            }
            return format
        }
        return ArticleSelection(fields: fields, formats: formats, defaultFormats: defaultFormats)
    }
}

extension AppRequestContext {
    /// The `{slug}` path parameter; a malformed one can match nothing, so it is a 404.
    package func slug(of resource: ResourceKind) throws -> Slug {
        let text = parameters.get("slug") ?? ""
        guard let slug = Slug(parsing: text) else {
            throw ProblemError(status: .notFound, code: "not_found", detail: "No \(resource) with that slug.")
        }
        return slug
    }
}
