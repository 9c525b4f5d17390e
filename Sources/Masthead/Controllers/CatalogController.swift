import Hummingbird

/// The product catalog and the site settings: `/v1/platforms`, `/v1/services`,
/// `/v1/catalog` and `/v1/site`.
struct CatalogController<Repository: CatalogRepository> {
    let repository: Repository

    var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get("platforms", use: listPlatforms)
        routes.get("platforms/{slug}", use: showPlatform)
        routes.get("services", use: listServices)
        routes.get("services/{slug}", use: showService)
        routes.get("catalog", use: showCatalog)
        routes.get("site", use: showSite)
        return routes
    }

    @Sendable func listPlatforms(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = try QueryReader(request, allowed: ["page", "limit"]).pageRequest()
        let platforms = try await repository.platforms(page)
        let pagination = PaginationMeta(page: page, total: platforms.total)
        return JSONResponse.make(
            ListEnvelope(data: platforms.items.map(PlatformResponse.init), pagination: pagination),
            headers: pagination.headers(for: request)
        )
    }

    @Sendable func showPlatform(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try QueryReader(request, allowed: [])
        let platform = try await repository.platform(slug: try context.slug(of: "platform"))
        return JSONResponse.make(DataEnvelope(data: PlatformResponse(platform)))
    }

    @Sendable func listServices(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = try QueryReader(request, allowed: ["page", "limit"]).pageRequest()
        let services = try await repository.services(page)
        let pagination = PaginationMeta(page: page, total: services.total)
        return JSONResponse.make(
            ListEnvelope(data: services.items.map(ServiceResponse.init), pagination: pagination),
            headers: pagination.headers(for: request)
        )
    }

    @Sendable func showService(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try QueryReader(request, allowed: [])
        let service = try await repository.service(slug: try context.slug(of: "service"))
        return JSONResponse.make(DataEnvelope(data: ServiceResponse(service)))
    }

    @Sendable func showCatalog(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try QueryReader(request, allowed: [])
        let catalog = try await repository.catalog()
        return JSONResponse.make(DataEnvelope(data: CatalogResponse(catalog: catalog)))
    }

    @Sendable func showSite(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try QueryReader(request, allowed: [])
        return JSONResponse.make(DataEnvelope(data: try await repository.site()))
    }
}

struct PlatformResponse: JSONEncodable {
    let platform: Platform

    init(_ platform: Platform) {
        self.platform = platform
    }

    func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("id", platform.id)
            object.field("slug", platform.slug)
            object.field("name", platform.name)
            object.field("focus", platform.focus)
            object.field("tagline", platform.tagline)
            object.field("description", platform.description)
            object.field("url", platform.url)
            object.field("position", platform.position)
            object.field("services", platform.services)
        }
    }
}

extension Platform.ServiceLink: JSONEncodable {
    func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("slug", slug)
            object.field("title", title)
        }
    }
}

struct ServiceResponse: JSONEncodable {
    let service: Service

    init(_ service: Service) {
        self.service = service
    }

    func encode(to json: inout JSONWriter) {
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
    func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("slug", slug)
            object.field("name", name)
        }
    }
}

extension Site: JSONEncodable {
    func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("title", title)
            object.field("description", description)
            object.field("url", url)
            object.field("locale", locale)
            object.field("timezone", timezone)
        }
    }
}

struct CatalogResponse: JSONEncodable {
    let catalog: Catalog

    func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("site", catalog.site)
            object.field("platforms", catalog.platforms.map(PlatformResponse.init))
            object.field("services", catalog.services.map(ServiceResponse.init))
        }
    }
}
