import Hummingbird
import MastheadDomain
import MastheadStorage

/// `GET {path}` (a page, in the collection's order) and `GET {path}/{slug}`, for the
/// collections whose reads take nothing more: authors by name, platforms and services by
/// position.
package struct CollectionReadController<Collection: WritableCollection> {
    package let collection: Collection
    package let store: any PagedResourceStore<Collection.Resource, Collection.Input>

    package var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.get(use: list)
        routes.get("{slug}", use: show)
        return routes
    }

    @Sendable package func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        let page = try QueryReader(context, allowed: ["page", "limit"]).pageRequest()
        let resources = try await store.list(page)
        let shelf = try await collection.shelf(for: resources.items)
        return JSONResponse.page(
            resources.items.map { collection.representation(of: $0, shelf: shelf) },
            of: page,
            total: resources.total,
            for: request,
            context
        )
    }

    @Sendable package func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        _ = try QueryReader(context, allowed: [])
        let resource = try await store.find(slug: try context.slug(of: Collection.resourceKind))
        return JSONResponse.make(
            DataEnvelope(
                data: collection.representation(of: resource, shelf: try await collection.shelf(for: [resource]))
            ),
            headers: collection.headers(of: resource),
            version: collection.version(of: resource)
        )
    }
}
