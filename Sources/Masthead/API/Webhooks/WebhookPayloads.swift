import MastheadDomain
import MastheadStorage

/// The body of each webhook request: `{"type", "timestamp", "data"}` as Standard Webhooks
/// suggests, `data` naming the resource and carrying its public JSON as the API serves it
/// when the event is first sent.
package struct WebhookPayloads: Sendable {
    package let stores: Stores
    /// For the URLs of media in `media.*` events.
    package var media = MediaSettings()

    package init(stores: Stores, media: MediaSettings = MediaSettings()) {
        self.stores = stores
        self.media = media
    }

    private var library: MediaLibrary { MediaLibrary(store: stores.media, settings: media) }

    /// What a delivery of `event` sends, or why it is no longer sent at all.
    package enum Rendered {
        case body([UInt8])
        case superseded(String)
    }

    package func render(_ event: ContentEvent, id: Int64, occurredAt: Timestamp, webhookID: Int64) async throws
        -> Rendered
    {
        var resource: (any JSONEncodable)?
        do {
            resource = try await self.resource(of: event, webhookID: webhookID)
        } catch StoreError.notFound {
            // A later event says what became of it (unpublished, deleted, renamed).
            return .superseded("\(event.resource) '\(event.slug ?? "")' is no longer public")
        } catch let superseded as Superseded {
            return .superseded(superseded.reason)
        }
        return .body(
            JSONResponse.bytes(
                of: Payload(event: event, occurredAt: occurredAt, resource: resource, webhookID: webhookID)
            )
        )
    }

    private struct Superseded: Error {
        let reason: String
    }

    /// The resource's public JSON, nil for events of something gone (unpublished, deleted).
    private func resource(of event: ContentEvent, webhookID: Int64) async throws -> (any JSONEncodable)? {
        let slug = event.slug.flatMap { Slug(parsing: $0) }
        switch (event.type, event.resource, slug) {
        case ("article.published", _, let slug?), ("article.updated", _, let slug?):
            let article = try await stores.content.articles.find(slug: slug, bodies: [.html], visibility: .published)
            if let scheduled = event.publishedAt, article.publishedAt != scheduled {
                throw Superseded(reason: "article '\(slug.value)' was rescheduled or unpublished")
            }
            let shelf = try await library.shelf(for: [article], .detailDefault)
            return ArticleResponse(article: article, selection: .detailDefault, shelf: shelf)
        case ("author.created", _, let slug?), ("author.updated", _, let slug?):
            let author = try await stores.content.authors.find(slug: slug)
            return AuthorResponse(author, shelf: try await library.shelf(for: [author]))
        case ("tag.created", _, let slug?), ("tag.updated", _, let slug?):
            return TagResponse(try await stores.content.tags.find(slug: slug))
        case ("catalog.updated", .platform, let slug?):
            do {
                let platform = try await stores.catalog.platforms.find(slug: slug)
                return PlatformResponse(platform)
            } catch StoreError.notFound { return nil }  // deleted
        case ("catalog.updated", .service, let slug?):
            do {
                let service = try await stores.catalog.services.find(slug: slug)
                return ServiceResponse(service)
            } catch StoreError.notFound { return nil }
        case ("catalog.updated", .site, _):
            return try await stores.catalog.site()
        case ("media.created", .media, _), ("media.updated", .media, _):
            guard let id = event.slug.flatMap({ Int64($0) }) else { return nil }
            return MediaResponse(asset: try await stores.media.find(id: id), settings: media)
        default:
            return try await described(event)
        }
    }

    /// A described kind's resource (`DescribedInput`) for its own created or updated event;
    /// nil for any other event.
    package func described(_ event: ContentEvent) async throws -> (any JSONEncodable)? {
        guard event.type.hasSuffix(".created") || event.type.hasSuffix(".updated"),
            let slug = event.slug.flatMap({ Slug(parsing: $0) })
        else { return nil }
        func find<Input: DescribedInput>(_: Input.Type) async throws -> (any JSONEncodable)? {
            guard Input.stored.kind == event.resource else { return nil }
            return DescribedResponse(try await stores.described.store(for: Input.self).find(slug: slug))
        }
        for kind in stores.describedKinds {
            if let resource = try await find(kind) { return resource }
        }
        return nil
    }

    private struct Payload: JSONEncodable {
        let event: ContentEvent
        let occurredAt: Timestamp
        let resource: (any JSONEncodable)?
        let webhookID: Int64

        func encode(to json: inout JSONWriter) {
            json.object { object in
                object.field("type", event.type)
                object.field("timestamp", occurredAt)
                object.field("data", Data(event: event, resource: resource, webhookID: webhookID))
            }
        }
    }

    private struct Data: JSONEncodable {
        let event: ContentEvent
        let resource: (any JSONEncodable)?
        let webhookID: Int64

        func encode(to json: inout JSONWriter) {
            json.object { object in
                guard event.type != WebhookEvents.ping else {
                    object.field("webhook_id", webhookID)
                    return
                }
                object.field("resource", event.resource.rawValue)
                if event.resource.isNumbered {
                    object.field("id", event.slug.flatMap { Int64($0) })
                } else {
                    object.field("slug", event.slug)
                    object.field("previous_slug", event.previousSlug)
                }
                if let resource {
                    object.field(event.resource.rawValue, AnyEncodable(value: resource))
                }
            }
        }
    }

    private struct AnyEncodable: JSONEncodable {
        let value: any JSONEncodable

        func encode(to json: inout JSONWriter) { value.encode(to: &json) }
    }
}
