import Hummingbird
import MastheadDomain
import MastheadStorage

/// `GET /healthz` (the process answers) and `GET /readyz` (the database answers and every
/// migration has been applied), for load balancers and orchestrators.
package struct HealthController {
    package let database: any DatabaseStatus

    package var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("healthz", use: health)
        routes.get("readyz", use: readiness)
        return routes
    }

    package struct Status: JSONEncodable {
        package let status: String

        package func encode(to json: inout JSONWriter) {
            json.object { $0.field("status", status) }
        }
    }

    @Sendable package func health(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try QueryReader(context, allowed: [])
        return JSONResponse.make(Status(status: "ok"), headers: [.cacheControl: "no-store"])
    }

    @Sendable package func readiness(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try QueryReader(context, allowed: [])
        guard await database.isReady() else {
            throw ProblemError(
                status: .serviceUnavailable,
                code: "not_ready",
                detail: "The database is not answering or has migrations still to apply."
            )
        }
        return JSONResponse.make(Status(status: "ready"), headers: [.cacheControl: "no-store"])
    }
}
