import Hummingbird
import MastheadDomain
import MastheadStorage

/// An article's history: `GET /v1/articles/{slug}/revisions`, `GET …/revisions/{n}` and
/// `POST …/revisions/{n}/restore`. Writes keep the revisions (`RevisionStore`); a restore is
/// a replace of the article, so it is itself a new revision.
package struct RevisionController {
    package let revisions: any RevisionStore
    package let writes: WriteController<ArticleCollection>

    package var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("{slug}/revisions", use: list)
        routes.get("{slug}/revisions/{number}", use: show)
        routes.post("{slug}/revisions/{number}/restore", use: restore)
        return routes
    }

    @Sendable package func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.contentRead)
        let reader = try QueryReader(context, allowed: ["page", "limit"])
        let page = try reader.pageRequest()
        let revisions = try await revisions.list(for: try context.slug(of: .article), page: page)
        return JSONResponse.page(
            revisions.items.map { RevisionResponse(revision: $0, whole: false) },
            of: page,
            total: revisions.total,
            for: request,
            context,
            cacheControl: "private, no-store"
        )
    }

    @Sendable package func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.contentRead)
        _ = try QueryReader(context, allowed: [])
        let revision = try await revisions.find(try number(context), for: try context.slug(of: .article))
        return JSONResponse.make(
            DataEnvelope(data: RevisionResponse(revision: revision, whole: true)),
            headers: [.cacheControl: "private, no-store"]
        )
    }

    /// Writes the revision back as the article's current content, `If-Match` honoured: the
    /// response is the article, as a PUT's.
    @Sendable package func restore(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.contentWrite)
        _ = try QueryReader(context, allowed: [])
        let slug = try context.slug(of: .article)
        let revision = try await revisions.find(try number(context), for: slug)
        return try await writes.replace(slug, request, context) { _ in revision.snapshot.input }
    }

    private func number(_ context: AppRequestContext) throws -> Int {
        guard let number = context.parameters.get("number").flatMap(Int.init), number > 0 else {
            throw ProblemError(status: .notFound, code: "not_found", detail: "No revision with that number.")
        }
        return number
    }
}

/// A revision: who wrote it and when, with its summary (lists) or the whole article (one).
package struct RevisionResponse: JSONEncodable {
    package let revision: ArticleRevision
    package let whole: Bool

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("revision", revision.number)
            object.field("created_at", revision.createdAt)
            object.field("created_by", revision.tokenID.map { TokenReference(id: $0, name: revision.tokenName) })
            let article = revision.snapshot
            if whole {
                object.field("article", SnapshotResponse(snapshot: article))
            } else {
                object.field("slug", article.slug.value)
                object.field("title", article.title)
                object.field("status", article.status.rawValue)
                object.field("published_at", article.publishedAt)
            }
        }
    }
}

/// The token a write was made with: never its secret.
private struct TokenReference: JSONEncodable {
    package let id: Int64
    package let name: String?

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("id", id)
            object.field("name", name)
        }
    }
}

/// An article's writable fields as a PUT carries them.
private struct SnapshotResponse: JSONEncodable {
    package let snapshot: ArticleSnapshot

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("slug", snapshot.slug.value)
            object.field("title", snapshot.title)
            object.field("excerpt", snapshot.customExcerpt)
            object.field("body_markdown", snapshot.bodyMarkdown)
            object.field("status", snapshot.status.rawValue)
            object.field("published_at", snapshot.publishedAt)
            object.field("featured", snapshot.featured)
            object.field("author", snapshot.author.value)
            object.field("tags", snapshot.tags.map(\.value))
            for field in ArticleDetails.fields {
                object.field(field.name, snapshot.details[field])
            }
        }
    }
}
