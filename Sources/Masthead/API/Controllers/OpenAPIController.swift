import Hummingbird
import MastheadOpenAPI

/// `GET /openapi.yaml`: the OpenAPI 3.1 document of this server, as compiled in.
package struct OpenAPIController {
    package var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("openapi.yaml", use: show)
        return routes
    }

    @Sendable package func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try QueryReader(context, allowed: [])
        return Response(
            status: .ok,
            headers: [.contentType: "application/yaml; charset=utf-8"],
            body: .init(byteBuffer: ByteBuffer(bytes: OpenAPIDocument.bytes))
        )
    }
}
