import MastheadDomain
import MastheadStorage

/// Platforms in the shared flows. A body names the services a platform delivers.
package struct PlatformCollection: WritableCollection {
    package let services: any ServiceStore

    package static var resourceKind: ResourceKind { .platform }
    package static var invalidates: Set<CacheScope> { [.catalog, .search] }
    package static var path: String { "/v1/platforms" }
    package static var writableFields: Set<String> { PlatformInput.fields }

    package func missingReferences(in document: JSONObject) async throws -> [FieldError] {
        try await services.missing(in: document, field: "services")
    }

    package func slug(of platform: Platform) -> String { platform.slug }
    package func version(of platform: Platform) -> ResourceVersion { platform.version }
    package func representation(of platform: Platform) -> PlatformResponse { PlatformResponse(platform) }

    package func document(of platform: Platform) -> JSONObject {
        var document: JSONObject = [
            "slug": .string(platform.slug), "name": .string(platform.name), "focus": .string(platform.focus),
            "tagline": .string(platform.tagline), "description": .string(platform.description),
            "position": .integer(Int64(platform.position)),
            "services": .array(platform.services.map { .string($0.slug) }),
        ]
        document["url"] = platform.url.map(JSONValue.string)
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

    package func missingReferences(in document: JSONObject) async throws -> [FieldError] {
        try await platforms.missing(in: document, field: "platforms")
    }

    package func slug(of service: Service) -> String { service.slug }
    package func version(of service: Service) -> ResourceVersion { service.version }
    package func representation(of service: Service) -> ServiceResponse { ServiceResponse(service) }

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

extension PlatformInput {
    package static let fields: Set<String> = [
        "slug", "name", "focus", "tagline", "description", "url", "position", "services",
    ]

    package static func read(from reader: inout FieldReader, existing: Bool) -> PlatformInput? {
        let name = reader.string("name", required: true, maxLength: 100)
        let slug = reader.slugChoice(titledBy: name, existing: existing, resource: .platform)
        let focus = reader.string("focus", required: true, maxLength: 200)
        let tagline = reader.string("tagline", required: true, maxLength: 300)
        let description = reader.string("description", required: true, maxLength: 5000)
        let url = reader.url("url")
        let position = reader.integer("position", in: 0...1_000_000)
        let services = reader.slugs("services", maxCount: 100)
        guard let slug, let name, let focus, let tagline, let description, reader.errors.isEmpty else { return nil }
        return PlatformInput(
            slug: slug,
            name: name,
            focus: focus,
            tagline: tagline,
            description: description,
            url: url,
            position: position,
            services: services
        )
    }
}

extension ServiceInput {
    package static let fields: Set<String> = ["slug", "title", "subtitle", "description", "position", "platforms"]

    package static func read(from reader: inout FieldReader, existing: Bool) -> ServiceInput? {
        let title = reader.string("title", required: true, maxLength: 200)
        let slug = reader.slugChoice(titledBy: title, existing: existing, resource: .service)
        let subtitle = reader.string("subtitle", required: true, maxLength: 200)
        let description = reader.string("description", required: true, maxLength: 5000)
        let position = reader.integer("position", in: 0...1_000_000)
        let platforms = reader.slugs("platforms", maxCount: 100)
        guard let slug, let title, let subtitle, let description, reader.errors.isEmpty else { return nil }
        return ServiceInput(
            slug: slug,
            title: title,
            subtitle: subtitle,
            description: description,
            position: position,
            platforms: platforms
        )
    }
}
