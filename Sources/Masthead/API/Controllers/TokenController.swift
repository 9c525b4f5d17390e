import Hummingbird
import MastheadDomain
import MastheadStorage

/// `GET /v1/tokens/self`: what the calling token is, for any valid token. Never the secret.
package struct TokenController {
    package var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("self", use: show)
        return routes
    }

    @Sendable package func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        let token = try context.require(.contentRead)
        _ = try QueryReader(context, allowed: [])
        return JSONResponse.make(DataEnvelope(data: token), headers: [.cacheControl: "private, no-store"])
    }
}

extension TokenInfo: JSONEncodable {
    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("id", id)
            object.field("name", name)
            object.field("scopes", scopes.map(\.rawValue))
            object.field("created_at", createdAt)
            object.field("last_used_at", lastUsedAt)
            object.field("expires_at", expiresAt)
            object.field("rate_limit", rateLimit)
        }
    }
}
