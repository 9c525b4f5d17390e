import MastheadDomain

/// Webhooks, the outbox content writes fill (`ContentEvent`s, recorded by each engine's stores
/// in the write's transaction) and the deliveries the delivery service works through.
public protocol WebhookStore: Sendable {
    /// A 409 (`WebhookRows.tooMany`) when the publication has `WebhookRows.maximumCount`.
    func create(_ input: WebhookInput, secret: [UInt8]) async throws -> Webhook
    func list() async throws -> [Webhook]
    /// `StoreError.notFound` when there is none.
    func find(id: Int64) async throws -> Webhook
    /// Setting it active again clears why it was disabled.
    func update(id: Int64, with input: WebhookInput) async throws -> Webhook
    /// Its pending deliveries go with it.
    func delete(id: Int64) async throws
    func rotateSecret(id: Int64, secret: [UInt8]) async throws

    /// Newest first.
    func deliveries(of webhookID: Int64, page: PageRequest) async throws -> Page<WebhookDelivery>
    /// The same event to the same webhook again, as a new delivery at the end of its queue.
    func redeliver(_ deliveryID: Int64, of webhookID: Int64) async throws -> WebhookDelivery
    /// A `ping` event for this webhook alone.
    func ping(_ webhookID: Int64) async throws -> WebhookDelivery

    /// Leases up to `limit` deliveries due at `now` until `leaseUntil`: each active webhook's
    /// oldest pending one only, so that a webhook receives its events in order.
    func claimDue(now: Timestamp, limit: Int, leaseUntil: Timestamp) async throws -> [DueDelivery]
    /// Keeps the payload an event is first sent with, so that every attempt sends the same
    /// bytes; returns the one kept (another instance may have been first).
    func keepBody(_ body: [UInt8], of eventID: Int64) async throws -> [UInt8]
    /// What an attempt came to.
    func record(_ outcome: DeliveryOutcome, of deliveryID: Int64, at now: Timestamp) async throws
    /// Stops delivering to the webhook until someone sets it active again.
    func disable(_ webhookID: Int64, reason: String, at now: Timestamp) async throws
    /// Lets go of up to `WebhookRows.pruneBatch` deliveries finished before `cutoff`, and of
    /// the events no delivery refers to any more; how many deliveries went.
    func prune(finishedBefore cutoff: Timestamp) async throws -> Int
}

/// A delivery leased to this instance, with what sending it takes.
public struct DueDelivery: Sendable {
    public let id: Int64
    public let attempts: Int
    /// When the delivery first became due: retries stop a day after.
    public let availableAt: Timestamp
    public let webhookID: Int64
    public let url: String
    public let secret: [UInt8]
    public let eventID: Int64
    /// The event's `webhook-id` (`WebhookMessageID`), the same for every attempt.
    public let messageID: String
    public let event: ContentEvent
    public let occurredAt: Timestamp
    public let body: [UInt8]?

    package init(
        id: Int64,
        attempts: Int,
        availableAt: Timestamp,
        webhookID: Int64,
        url: String,
        secret: [UInt8],
        eventID: Int64,
        messageID: String,
        event: ContentEvent,
        occurredAt: Timestamp,
        body: [UInt8]?
    ) {
        self.id = id
        self.attempts = attempts
        self.availableAt = availableAt
        self.webhookID = webhookID
        self.url = url
        self.secret = secret
        self.eventID = eventID
        self.messageID = messageID
        self.event = event
        self.occurredAt = occurredAt
        self.body = body
    }
}

/// What one attempt came to.
public enum DeliveryOutcome: Sendable {
    /// A 2xx answer.
    case delivered(statusCode: Int, latencyMilliseconds: Int)
    /// Another answer or no answer; tried again at `retryAt`, or given up when nil.
    case failed(statusCode: Int?, error: String?, latencyMilliseconds: Int?, retryAt: Timestamp?)
    /// The event no longer holds (a scheduled article unscheduled): never sent.
    case skipped(reason: String)
}

/// What both engines store for webhooks.
package enum WebhookRows {
    /// A publication has at most this many webhooks: each write fans out to every one.
    package static let maximumCount = 50

    /// Counted in the creating transaction, after every other creation has committed, so
    /// that creations at once cannot pass it together.
    package static let tooMany = StoreError.conflict(
        code: "too_many_webhooks",
        detail: "A publication has at most \(maximumCount) webhooks; delete one first."
    )

    /// The stored form of a subscription list.
    package static func events(_ events: [String]) -> String { events.joined(separator: ",") }
    package static func events(_ stored: String) -> [String] { stored.split(separator: ",").map(String.init) }

    /// The subscriptions that want events of `type`: itself, its kind's `kind.*`, and `*`.
    package static func patterns(matching type: String) -> [String] {
        let kind = type.split(separator: ".").first.map(String.init) ?? type
        return [type, kind + ".*", "*"]
    }

    /// At most this many deliveries go in one prune, so that it never holds the writer long.
    package static let pruneBatch = 1_000

    package static func notFound(_ id: Int64) -> StoreError { .notFound(resource: .webhook, slug: String(id)) }

    /// A delivery's row after an attempt.
    package struct Change {
        package let status: String
        /// 1 when a request was made.
        package let attempted: Int
        package let statusCode: Int?
        package let error: String?
        package let latency: Int?
        package let retryAt: Timestamp?

        package init(_ outcome: DeliveryOutcome) {
            switch outcome {
            case .delivered(let code, let latency):
                (status, attempted, statusCode, error, self.latency, retryAt) = (
                    "delivered", 1, code, nil, latency, nil
                )
            case .failed(let code, let error, let latency, let retryAt):
                status = retryAt == nil ? "failed" : "pending"
                (attempted, statusCode, self.error, self.latency, self.retryAt) = (1, code, error, latency, retryAt)
            case .skipped(let reason):
                (status, attempted, statusCode, error, latency, retryAt) = ("skipped", 0, nil, reason, nil, nil)
            }
        }
    }
}
