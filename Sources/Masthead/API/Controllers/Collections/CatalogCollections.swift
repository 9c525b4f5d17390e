import MastheadDomain
import MastheadStorage

/// Platforms in the shared flows. A body names the services a platform delivers.
package struct PlatformCollection: WritableCollection {
    package let services: any ServiceStore

    package static var resourceKind: ResourceKind { .platform }
    package static var invalidates: Set<CacheScope> { [.catalog, .search] }
    package static var path: String { "/v1/platforms" }
    package static var writableFields: Set<String> { PlatformInput.fields }

    package func missingReferences(in document: JSONObject, existing: Resource?) async throws -> [FieldError] {
        try await services.missing(in: document, field: "services")
    }

    package func slug(of platform: Platform) -> String { platform.slug }
    package func version(of platform: Platform) -> ResourceVersion { platform.version }
    package func representation(of platform: Platform, shelf: MediaShelf) -> PlatformResponse {
        PlatformResponse(platform)
    }

    package func document(of platform: Platform) -> JSONObject {
        var document: JSONObject = [
            "slug": .string(platform.slug), "name": .string(platform.name), "focus": .string(platform.focus),
            "tagline": .string(platform.tagline), "description": .string(platform.description),
            "position": .integer(Int64(platform.position)),
            "services": .array(platform.services.map { .string($0.slug) }),
        ]
        document.merge(platform.details.document) { _, detail in detail }
        return document
    }

    package func input(from reader: inout FieldReader, existing: Platform?) -> PlatformInput? {
        PlatformInput.read(from: &reader, existing: existing != nil)
    }
}

/// Services in the shared flows. A body names the platforms that deliver the service.
package struct ServiceCollection: WritableCollection {
    package let platforms: any PlatformStore

    package static var resourceKind: ResourceKind { .service }
    package static var invalidates: Set<CacheScope> { [.catalog, .search] }
    package static var path: String { "/v1/services" }
    package static var writableFields: Set<String> { ServiceInput.fields }

    package func missingReferences(in document: JSONObject, existing: Resource?) async throws -> [FieldError] {
        try await platforms.missing(in: document, field: "platforms")
    }

    package func slug(of service: Service) -> String { service.slug }
    package func version(of service: Service) -> ResourceVersion { service.version }
    package func representation(of service: Service, shelf: MediaShelf) -> ServiceResponse { ServiceResponse(service) }

    package func document(of service: Service) -> JSONObject {
        [
            "slug": .string(service.slug), "title": .string(service.title), "subtitle": .string(service.subtitle),
            "description": .string(service.description), "position": .integer(Int64(service.position)),
            "platforms": .array(service.platforms.map { .string($0.slug) }),
        ]
    }

    package func input(from reader: inout FieldReader, existing: Service?) -> ServiceInput? {
        ServiceInput.read(from: &reader, existing: existing != nil)
    }
}
