import MastheadStorage
import Testing

@testable import MastheadDomain

/// `WebhookStore` as every engine must implement it: subscriptions, and the queue of
/// deliveries the dispatcher leases and settles. (How the dispatcher sends them is in
/// WebhookTests.)
@Suite struct WebhookStoreConformance {
    static let secret = [UInt8](repeating: 7, count: 32)

    @Test(arguments: StoreEngine.available)
    func aWebhookIsCreatedListedUpdatedAndDeleted(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        let webhooks = fixture.stores.webhooks
        let hook = try await webhooks.create(
            WebhookInput(url: "https://hooks.example/a", events: ["article.*"], active: true, description: "CDN"),
            secret: Self.secret
        )
        #expect(hook.url == "https://hooks.example/a" && hook.events == ["article.*"] && hook.active)
        #expect(hook.description == "CDN" && hook.disabledReason == nil)
        #expect(try await webhooks.list().map(\.id) == [hook.id])
        #expect(try await webhooks.find(id: hook.id) == hook)

        fixture.clock.advance(seconds: 60)
        let updated = try await webhooks.update(
            id: hook.id,
            with: WebhookInput(url: "https://hooks.example/b", events: ["*"], active: false)
        )
        #expect(updated.url == "https://hooks.example/b" && updated.events == ["*"] && !updated.active)
        #expect(updated.updatedAt > hook.updatedAt && updated.createdAt == hook.createdAt)

        try await webhooks.delete(id: hook.id)
        #expect(try await webhooks.list() == [])
        await #expect(throws: StoreError.notFound(resource: .webhook, slug: String(hook.id))) {
            _ = try await webhooks.find(id: hook.id)
        }
        await #expect(throws: StoreError.notFound(resource: .webhook, slug: String(hook.id))) {
            try await webhooks.delete(id: hook.id)
        }
    }

    @Test(arguments: StoreEngine.available)
    func aDeliveryIsLeasedOnceAndSettled(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        let webhooks = fixture.stores.webhooks
        let hook = try await webhooks.create(
            WebhookInput(url: "https://hooks.example/a", events: ["*"], active: true),
            secret: Self.secret
        )
        let ping = try await webhooks.ping(hook.id)
        #expect(ping.status == .pending && ping.eventType == "ping" && ping.attempts == 0)

        let now = fixture.clock.now
        let leased = try await webhooks.claimDue(now: now, limit: 8, leaseUntil: now.adding(seconds: 15))
        #expect(leased.map(\.id) == [ping.id])
        #expect(leased.first?.secret == Self.secret && leased.first?.url == hook.url)
        // Leased: no one else takes it until the lease runs out.
        #expect(try await webhooks.claimDue(now: now, limit: 8, leaseUntil: now.adding(seconds: 15)).isEmpty)

        try await webhooks.record(.delivered(statusCode: 204, latencyMilliseconds: 12), of: ping.id, at: now)
        let page = try await webhooks.deliveries(of: hook.id, page: PageRequest(number: 1, limit: 10))
        #expect(page.total == 1)
        #expect(page.items.first?.status == .delivered && page.items.first?.lastStatusCode == 204)
        #expect(page.items.first?.finishedAt == now)
        fixture.clock.advance(seconds: 60)
        #expect(try await webhooks.claimDue(now: fixture.clock.now, limit: 8, leaseUntil: fixture.clock.now).isEmpty)

        let again = try await webhooks.redeliver(ping.id, of: hook.id)
        #expect(again.id != ping.id && again.eventID == ping.eventID && again.status == .pending)
        await #expect(throws: StoreError.notFound(resource: .delivery, slug: "999999")) {
            _ = try await webhooks.redeliver(999_999, of: hook.id)
        }
    }

    @Test(arguments: StoreEngine.available)
    func aDisabledWebhookIsLeasedNothingUntilSetActiveAgain(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        let webhooks = fixture.stores.webhooks
        let input = WebhookInput(url: "https://hooks.example/a", events: ["*"], active: true)
        let hook = try await webhooks.create(input, secret: Self.secret)
        _ = try await webhooks.ping(hook.id)
        let now = fixture.clock.now
        try await webhooks.disable(hook.id, reason: "Deliveries failed", at: now)
        let disabled = try await webhooks.find(id: hook.id)
        #expect(!disabled.active && disabled.disabledReason == "Deliveries failed")
        #expect(try await webhooks.claimDue(now: now, limit: 8, leaseUntil: now.adding(seconds: 15)).isEmpty)

        let enabled = try await webhooks.update(id: hook.id, with: input)
        #expect(enabled.active && enabled.disabledReason == nil)
        #expect(try await webhooks.claimDue(now: now, limit: 8, leaseUntil: now.adding(seconds: 15)).count == 1)
    }
}
