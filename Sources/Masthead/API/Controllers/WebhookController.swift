import Hummingbird
import MastheadDomain
import MastheadStorage

/// `/v1/webhooks`: subscriptions to content events, their deliveries, a ping and a
/// redelivery; every route needs an `admin` token. A webhook's signing secret is made by the
/// server and shown only when made or rotated.
package struct WebhookController {
    package let webhooks: any WebhookStore
    package let targets: WebhookTargets

    package static let fields: Set<String> = ["url", "events", "active", "description"]

    package var endpoints: RouteCollection<AppRequestContext> {
        let routes = RouteCollection(context: AppRequestContext.self)
        routes.post(use: create)
        routes.get(use: list)
        routes.get("{id}", use: show)
        routes.patch("{id}", use: update)
        routes.delete("{id}", use: delete)
        routes.post("{id}/rotate-secret", use: rotateSecret)
        routes.post("{id}/ping", use: ping)
        routes.get("{id}/deliveries", use: deliveries)
        routes.post("{id}/deliveries/{delivery}/redeliver", use: redeliver)
        return routes
    }

    @Sendable package func create(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.admin)
        _ = try QueryReader(context, allowed: [])
        var reader = FieldReader(try await RequestBody.object(of: request), writable: Self.fields)
        let url = readURL(&reader, required: true)
        let events = Self.readEvents(&reader, required: true)
        let active = reader.boolean("active") ?? true
        let description = reader.string("description", maxLength: 500)
        try reader.finish()
        let secret = PreviewSecrets.generate()
        let webhook = try await webhooks.create(
            WebhookInput(url: url!, events: events!, active: active, description: description),
            secret: secret
        )
        return JSONResponse.make(
            DataEnvelope(data: WebhookResponse(webhook: webhook, secret: secret)),
            status: .created,
            headers: [.cacheControl: "no-store", .location: "/v1/webhooks/\(webhook.id)"]
        )
    }

    @Sendable package func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.admin)
        _ = try QueryReader(context, allowed: [])
        let all = try await webhooks.list()
        return JSONResponse.make(
            DataEnvelope(data: all.map { WebhookResponse(webhook: $0, secret: nil) }),
            headers: [.cacheControl: "no-store"]
        )
    }

    @Sendable package func show(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.admin)
        _ = try QueryReader(context, allowed: [])
        let webhook = try await webhooks.find(id: try Self.id(context, "id"))
        return Self.respond(with: webhook, secret: nil)
    }

    /// Any of the fields; `active: true` re-enables a webhook disabled after failing.
    @Sendable package func update(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.admin)
        _ = try QueryReader(context, allowed: [])
        let id = try Self.id(context, "id")
        var reader = FieldReader(try await RequestBody.object(of: request), writable: Self.fields)
        let url = readURL(&reader, required: false)
        let events = Self.readEvents(&reader, required: false)
        let active = reader.boolean("active")
        let description = reader.string("description", maxLength: 500)
        try reader.finish()
        let current = try await webhooks.find(id: id)
        let updated = try await webhooks.update(
            id: id,
            with: WebhookInput(
                url: url ?? current.url,
                events: events ?? current.events,
                active: active ?? current.active,
                description: description ?? current.description
            )
        )
        return Self.respond(with: updated, secret: nil)
    }

    @Sendable package func delete(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.admin)
        _ = try QueryReader(context, allowed: [])
        try await webhooks.delete(id: try Self.id(context, "id"))
        return Response(status: .noContent)
    }

    /// A new secret, shown this once; deliveries are signed with it from now on.
    @Sendable package func rotateSecret(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.admin)
        _ = try QueryReader(context, allowed: [])
        let id = try Self.id(context, "id")
        let secret = PreviewSecrets.generate()
        try await webhooks.rotateSecret(id: id, secret: secret)
        let webhook = try await webhooks.find(id: id)
        return Self.respond(with: webhook, secret: secret)
    }

    @Sendable package func ping(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.admin)
        _ = try QueryReader(context, allowed: [])
        let delivery = try await webhooks.ping(try Self.id(context, "id"))
        return Self.respond(with: delivery)
    }

    @Sendable package func deliveries(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.admin)
        let reader = try QueryReader(context, allowed: ["page", "limit"])
        let page = try reader.pageRequest()
        let found = try await webhooks.deliveries(of: try Self.id(context, "id"), page: page)
        return JSONResponse.page(
            found.items.map(DeliveryResponse.init),
            of: page,
            total: found.total,
            for: request,
            context,
            cacheControl: "no-store"
        )
    }

    @Sendable package func redeliver(_ request: Request, context: AppRequestContext) async throws -> Response {
        try context.require(.admin)
        _ = try QueryReader(context, allowed: [])
        let delivery = try await webhooks.redeliver(
            try Self.id(context, "delivery"),
            of: try Self.id(context, "id")
        )
        return Self.respond(with: delivery)
    }

    private static func respond(with webhook: Webhook, secret: [UInt8]?) -> Response {
        JSONResponse.make(
            DataEnvelope(data: WebhookResponse(webhook: webhook, secret: secret)),
            headers: [.cacheControl: "no-store"]
        )
    }

    /// A delivery just queued.
    private static func respond(with delivery: WebhookDelivery) -> Response {
        JSONResponse.make(
            DataEnvelope(data: DeliveryResponse(delivery: delivery)),
            status: .accepted,
            headers: [.cacheControl: "no-store"]
        )
    }

    private func readURL(_ reader: inout FieldReader, required: Bool) -> String? {
        guard let text = reader.string("url", required: required, maxLength: 2048) else { return nil }
        if let problem = targets.problem(with: text) {
            reader.add("url", "invalid_url", "url \(problem)")
            return nil
        }
        return text
    }

    private static func readEvents(_ reader: inout FieldReader, required: Bool) -> [String]? {
        guard let events = reader.strings("events", required: required, maxCount: 20, maxLength: 40) else {
            return nil
        }
        let unknown = events.filter { !WebhookEvents.isPattern($0) }
        guard unknown.isEmpty else {
            reader.add(
                "events",
                "invalid_value",
                "events must be types such as article.published, kinds such as article.*, or *"
            )
            return nil
        }
        return events
    }

    private static func id(_ context: AppRequestContext, _ name: String) throws -> Int64 {
        guard let id = context.parameters.get(name).flatMap(Int64.init), id > 0 else {
            throw ProblemError(
                status: .notFound,
                code: "not_found",
                detail: "No \(name == "id" ? "webhook" : name) with that id."
            )
        }
        return id
    }
}

package struct WebhookResponse: JSONEncodable {
    package let webhook: Webhook
    /// Only when made or rotated.
    package let secret: [UInt8]?

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("id", webhook.id)
            object.field("url", webhook.url)
            object.field("events", webhook.events)
            object.field("active", webhook.active)
            object.field("description", webhook.description)
            object.field("disabled_reason", webhook.disabledReason)
            if let secret { object.field("secret", WebhookSignature.secretText(secret)) }
            object.field("created_at", webhook.createdAt)
            object.field("updated_at", webhook.updatedAt)
        }
    }
}

package struct DeliveryResponse: JSONEncodable {
    package let delivery: WebhookDelivery

    package func encode(to json: inout JSONWriter) {
        json.object { object in
            object.field("id", delivery.id)
            object.field("event_id", delivery.eventID)
            object.field("event", delivery.eventType)
            object.field("status", delivery.status.rawValue)
            object.field("attempts", delivery.attempts)
            object.field("last_status_code", delivery.lastStatusCode)
            object.field("last_error", delivery.lastError)
            object.field("last_latency_ms", delivery.lastLatencyMilliseconds)
            object.field("next_attempt_at", delivery.nextAttemptAt)
            object.field("created_at", delivery.createdAt)
            object.field("finished_at", delivery.finishedAt)
        }
    }
}
