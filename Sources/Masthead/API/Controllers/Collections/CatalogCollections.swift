import MastheadDomain
import MastheadStorage

/// Platforms in the shared flows. A body names the services a platform delivers.
struct PlatformCollection: WritableCollection {
    let services: any ServiceStore

    static var resourceName: String { "platform" }
    static var invalidates: Set<CacheScope> { [.catalog, .search] }
    static var path: String { "/v1/platforms" }
    static var writableFields: Set<String> { PlatformInput.fields }

    func missingReferences(in document: JSONObject) async throws -> [FieldError] {
        try await services.missing(in: document, field: "services")
    }

    func slug(of platform: Platform) -> String { platform.slug }
    func version(of platform: Platform) -> ResourceVersion { platform.version }
    func representation(of platform: Platform) -> PlatformResponse { PlatformResponse(platform) }

    func document(of platform: Platform) -> JSONObject {
        var document: JSONObject = [
            "slug": .string(platform.slug), "name": .string(platform.name), "focus": .string(platform.focus),
            "tagline": .string(platform.tagline), "description": .string(platform.description),
            "position": .integer(Int64(platform.position)),
            "services": .array(platform.services.map { .string($0.slug) }),
        ]
        document["url"] = platform.url.map(JSONValue.string)
        return document
    }

    func input(from reader: inout FieldReader, existing: Platform?) -> PlatformInput? {
        PlatformInput.read(from: &reader, existing: existing != nil)
    }
}

/// Services in the shared flows. A body names the platforms that deliver the service.
struct ServiceCollection: WritableCollection {
    let platforms: any PlatformStore

    static var resourceName: String { "service" }
    static var invalidates: Set<CacheScope> { [.catalog, .search] }
    static var path: String { "/v1/services" }
    static var writableFields: Set<String> { ServiceInput.fields }

    func missingReferences(in document: JSONObject) async throws -> [FieldError] {
        try await platforms.missing(in: document, field: "platforms")
    }

    func slug(of service: Service) -> String { service.slug }
    func version(of service: Service) -> ResourceVersion { service.version }
    func representation(of service: Service) -> ServiceResponse { ServiceResponse(service) }

    func document(of service: Service) -> JSONObject {
        [
            "slug": .string(service.slug), "title": .string(service.title), "subtitle": .string(service.subtitle),
            "description": .string(service.description), "position": .integer(Int64(service.position)),
            "platforms": .array(service.platforms.map { .string($0.slug) }),
        ]
    }

    func input(from reader: inout FieldReader, existing: Service?) -> ServiceInput? {
        ServiceInput.read(from: &reader, existing: existing != nil)
    }
}

extension PlatformInput {
    static let fields: Set<String> = ["slug", "name", "focus", "tagline", "description", "url", "position", "services"]

    static func read(from reader: inout FieldReader, existing: Bool) -> PlatformInput? {
        let name = reader.string("name", required: true, maxLength: 100)
        let slug = reader.slugChoice(titledBy: name, existing: existing, resource: "platform")
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
    static let fields: Set<String> = ["slug", "title", "subtitle", "description", "position", "platforms"]

    static func read(from reader: inout FieldReader, existing: Bool) -> ServiceInput? {
        let title = reader.string("title", required: true, maxLength: 200)
        let slug = reader.slugChoice(titledBy: title, existing: existing, resource: "service")
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
