import Foundation
import Hummingbird
import MastheadDomain
import MastheadStorage

/// Draft previews: `POST/GET /v1/articles/{slug}/preview-links`,
/// `DELETE /v1/articles/{slug}/preview-links/{id}` and `POST /v1/preview-links/rotate-secret`.
/// `ArticleController` serves `GET /v1/articles/{slug}?preview=…` through `PreviewAccess`.
package struct PreviewController {
    package let previews: any PreviewStore
    package let clock: ContentClock
    /// Where a new link's `url` points; the API's own address without it.
    package let frontEnd: PreviewURLTemplate?

    package var articleEndpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("{slug}/preview-links", use: create)
        routes.get("{slug}/preview-links", use: list)
        routes.delete("{slug}/preview-links/{id}", use: delete)
        return routes
    }

    package var secretEndpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post("rotate-secret", use: rotateSecret)
        return routes
    }

    /// A new link, its token shown this once. The body is optional: `{"expires_in": seconds}`.
    @Sendable package func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.require(.contentWrite)
        _ = try QueryReader(context, allowed: [])
        let slug = try context.slug(of: .article)
        var reader = FieldReader(try await RequestBody.optionalObject(of: request), writable: ["expires_in"])
        let lifetime = reader.integer("expires_in", in: 60...Int(PreviewLink.maximumLifetimeSeconds))
        try reader.finish()
        let expiresAt = clock.now.adding(seconds: lifetime.map(Int64.init) ?? PreviewLink.defaultLifetimeSeconds)
        let link = try await previews.create(for: slug, expiresAt: expiresAt, by: token)
        let signed = PreviewToken.sign(link, secret: try await previews.secret())
        return JSONResponse.make(
            DataEnvelope(
                data: PreviewLinkResponse(
                    link: link,
                    token: signed,
                    url: frontEnd?.url(slug: link.articleSlug, token: signed)
                )
            ),
            status: .created,
            headers: [.cacheControl: "private, no-store"]
        )
    }

    @Sendable package func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.contentRead)
        _ = try QueryReader(context, allowed: [])
        let links = try await previews.list(for: try context.slug(of: .article))
        return JSONResponse.make(
            DataEnvelope(data: links.map { PreviewLinkResponse(link: $0, token: nil, url: nil) }),
            headers: [.cacheControl: "private, no-store"]
        )
    }

    @Sendable package func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.contentWrite)
        _ = try QueryReader(context, allowed: [])
        let slug = try context.slug(of: .article)
        guard let id = context.parameters.get("id").flatMap(Int64.init), id > 0 else {
            throw ProblemError(status: .notFound, code: "not_found", detail: "No preview link with that id.")
        }
        try await previews.delete(id: id, for: slug)
        return Response(status: .noContent)
    }

    /// Every preview token made so far stops working.
    @Sendable package func rotateSecret(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.admin)
        _ = try QueryReader(context, allowed: [])
        try await previews.rotateSecret()
        return Response(status: .noContent)
    }
}

/// A front end's preview page, `{slug}` and `{token}` filled in for each new link.
public struct PreviewURLTemplate: Sendable, Equatable {
    package let text: String

    /// Only an http or https URL that has a place for the token.
    public init?(_ text: String) {
        let lower = text.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"), text.contains("{token}"),
            text.utf8.count <= 2048, !text.contains(where: \.isWhitespace)
        else { return nil }
        self.text = text
    }

    package func url(slug: String, token: String) -> String {
        text.replacingOccurrences(of: "{slug}", with: slug).replacingOccurrences(of: "{token}", with: token)
    }
}

/// Whether a `preview` token lets its holder read one article.
package struct PreviewAccess {
    package let previews: any PreviewStore
    package let clock: ContentClock

    package static let invalid = ProblemError(
        status: .forbidden,
        code: "preview_invalid",
        detail: "This preview link is not valid: it has expired, was deleted, or is for another article."
    )

    /// The link `token` stands for when it is valid now; `invalid` otherwise, whatever the
    /// reason, so that a token tells nothing about articles it is not for.
    package func link(for token: String) async throws -> PreviewLink {
        guard let parsed = PreviewToken(parsing: token), let link = try await previews.find(id: parsed.linkID),
            link.expiresAt > clock.now, parsed.verifies(link, secret: try await previews.secret())
        else { throw Self.invalid }
        return link
    }
}

package struct PreviewLinkResponse: JSONEncodable {
    package let link: PreviewLink
    /// Only when the link is made.
    package let token: String?
    /// The front end's preview page, when one is configured.
    package let url: String?

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("id", link.id)
            object.field("article", link.articleSlug)
            if let token {
                let apiURL = "/v1/articles/\(link.articleSlug)?preview=\(token)"
                object.field("token", token)
                object.field("url", url ?? apiURL)
                object.field("api_url", apiURL)
            }
            object.field("created_at", link.createdAt)
            object.field("expires_at", link.expiresAt)
            object.field("created_by", link.createdByTokenName)
        }
    }
}
