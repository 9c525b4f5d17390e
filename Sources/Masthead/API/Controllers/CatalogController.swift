import Foundation
import Hummingbird
import MastheadDomain
import MastheadStorage

/// The whole catalog and the site settings: `/v1/catalog` and `/v1/site`. Platforms and
/// services are served by the flows every collection shares.
package struct CatalogController {
    package let catalog: any CatalogStore
    package let changes: ContentChanges

    package var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("catalog", use: showCatalog)
        routes.get("site", use: showSite)
        routes.put("site", use: replaceSite)
        return routes
    }

    @Sendable package func showCatalog(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try QueryReader(context, allowed: [])
        let catalog = try await self.catalog.catalog()
        return JSONResponse.make(DataEnvelope(data: CatalogResponse(catalog: catalog)))
    }

    @Sendable package func showSite(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try QueryReader(context, allowed: [])
        let site = try await catalog.site()
        return JSONResponse.make(DataEnvelope(data: site), version: site.version)
    }

    /// `PUT /v1/site`: every setting at once, for `admin` tokens only; `If-Match` honoured.
    @Sendable package func replaceSite(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.admin)
        _ = try QueryReader(context, allowed: [])
        let current = try await catalog.site()
        if let header = request.headers[.ifMatch], !EntityTag.ifMatch(header, current: current.version) {
            throw ProblemError.preconditionFailed
        }
        var reader = FieldReader(try await RequestBody.object(of: request), writable: SiteInput.fields)
        let input = SiteInput.read(from: &reader)
        try reader.finish()
        let expected = request.headers[.ifMatch] == nil ? nil : current.revision
        let site = try await catalog.replaceSite(with: input!, expectedRevision: expected)
        changes.committed([.catalog, .feeds])
        return JSONResponse.make(DataEnvelope(data: site), headers: [.cacheControl: "no-store"], version: site.version)
    }
}

package struct PlatformResponse: JSONEncodable {
    package let platform: Platform

    package init(_ platform: Platform) {
        self.platform = platform
    }

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("id", platform.id)
            object.field("slug", platform.slug)
            object.field("name", platform.name)
            object.field("focus", platform.focus)
            object.field("tagline", platform.tagline)
            object.field("description", platform.description)
            for field in PlatformDetails.fields {
                object.field(field.name, platform.details[field])
            }
            object.field("position", platform.position)
            object.field("services", platform.services)
        }
    }
}

extension Platform.ServiceLink: JSONEncodable {
    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("slug", slug)
            object.field("title", title)
        }
    }
}

package struct ServiceResponse: JSONEncodable {
    package let service: Service

    package init(_ service: Service) {
        self.service = service
    }

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("id", service.id)
            object.field("slug", service.slug)
            object.field("title", service.title)
            object.field("subtitle", service.subtitle)
            object.field("description", service.description)
            object.field("position", service.position)
            object.field("platforms", service.platforms)
        }
    }
}

extension Service.PlatformLink: JSONEncodable {
    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("slug", slug)
            object.field("name", name)
        }
    }
}

extension Site: JSONEncodable {
    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("title", title)
            object.field("description", description)
            object.field("tagline", tagline)
            object.field("url", url)
            object.field("locale", locale)
            object.field("timezone", timezone)
        }
    }
}

package struct CatalogResponse: JSONEncodable {
    package let catalog: Catalog

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("site", catalog.site)
            object.field("platforms", catalog.platforms.map(PlatformResponse.init))
            object.field("services", catalog.services.map(ServiceResponse.init))
        }
    }
}
