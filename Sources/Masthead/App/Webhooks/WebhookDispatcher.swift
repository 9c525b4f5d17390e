import AsyncHTTPClient
import Foundation
import Logging
import MastheadDomain
import MastheadStorage
import NIOCore
import NIOHTTP1
import ServiceLifecycle
import Synchronization

/// How webhooks are delivered.
public struct WebhookSettings: Sendable, Equatable {
    public var targets = WebhookTargets()
    /// How long one request may take, connecting included.
    public var timeout: Duration = .seconds(10)
    /// Deliveries in flight at once, per instance.
    public var maximumInFlight = 8
    /// How often the outbox is looked at.
    public var pollInterval: Duration = .seconds(1)
    /// The first retry's delay; each next one doubles, up to `maximumRetryDelaySeconds`,
    /// each varied by up to a fifth either way.
    public var firstRetryDelaySeconds: Int64 = 10
    public var maximumRetryDelaySeconds: Int64 = 3_600
    /// How long a delivery is tried before it is given up and its webhook disabled.
    public var giveUpAfterSeconds: Int64 = 86_400
    /// How long finished deliveries (and events no delivery needs any more) are kept for the
    /// deliveries API before they are let go.
    public var keepFinishedSeconds: Int64 = 7 * 86_400
    /// How often finished deliveries past `keepFinishedSeconds` are looked for.
    public var pruneInterval: Duration = .seconds(600)

    public init() {}

    /// How long a claimed delivery stays this instance's: longer than the worst case of one
    /// attempt, its name resolution (up to `timeout`), then its request (up to `timeout`,
    /// connecting included), then rendering and recording it (`recordingMarginSeconds`), so
    /// that no other instance claims and sends it while this one still may. A delivery whose
    /// instance died is taken up by another, or by the next start, after this.
    public var leaseSeconds: Int64 {
        2 * Self.wholeSeconds(timeout) + Self.recordingMarginSeconds
    }

    /// Time for rendering the payload and writing the outcome, beside the network's.
    package static let recordingMarginSeconds: Int64 = 15

    private static func wholeSeconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds + (attoseconds > 0 ? 1 : 0)
    }
}

/// Sends the outbox's deliveries: each webhook's in order, at most `maximumInFlight` at once,
/// retried with exponential backoff and jitter for a day, then given up and the webhook
/// disabled. Every instance runs one; the store's leases keep them from sending a delivery
/// twice at once. Each poll claims what is due for the slots free then, so a receiver that
/// takes its whole time-out holds one slot and its own webhook's next event, never another
/// webhook's. On graceful shutdown it takes no new delivery and lets those in flight finish
/// (each bounded by the timeout); anything pending stays in the outbox for the next start.
package struct WebhookDispatcher: ServiceLifecycle.Service {
    package let store: any WebhookStore
    package let payloads: WebhookPayloads
    package let clock: ContentClock
    package let settings: WebhookSettings
    package let logger: Logger
    /// Counts its passes (`masthead_webhook_passes_total`).
    package let metrics: AppMetrics

    package func run() async throws {
        // The deliveries this instance is sending. A lease is in content time; should it run
        // out under an attempt still in flight (a clock that jumps), the claim that returns
        // the delivery again is not sent twice from here.
        let inFlight = InFlight()
        await withDiscardingTaskGroup { group in
            var lastPrune: ContinuousClock.Instant?
            var spell = FailureSpell()
            while !Task.isShuttingDownGracefully && !Task.isCancelled {
                do {
                    let free = settings.maximumInFlight - inFlight.count
                    if free > 0 {
                        for delivery in try await claimDue(limit: free) where inFlight.insert(delivery.id) {
                            group.addTask {
                                await attempt(delivery)
                                inFlight.remove(delivery.id)
                            }
                        }
                    }
                    if lastPrune.map({ ContinuousClock.now - $0 >= settings.pruneInterval }) ?? true {
                        lastPrune = .now
                        let pruned = try await store.prune(
                            finishedBefore: clock.now.adding(seconds: -settings.keepFinishedSeconds)
                        )
                        if pruned > 0 {
                            logger.debug("Let go of finished webhook deliveries", metadata: ["count": "\(pruned)"])
                        }
                    }
                    spell.succeeded("Webhook delivery passes work again", logger: logger)
                } catch {
                    spell.failed("Webhook delivery pass failed", error, logger: logger)
                }
                metrics.recordWebhookPass()
                try? await cancelWhenGracefulShutdown { try await Task.sleep(for: settings.pollInterval) }
            }
        }
    }

    /// Up to `limit` deliveries due now, leased to this instance.
    package func claimDue(limit: Int) async throws -> [DueDelivery] {
        let now = clock.now
        return try await store.claimDue(
            now: now,
            limit: limit,
            leaseUntil: now.adding(seconds: settings.leaseSeconds)
        )
    }

    private func attempt(_ delivery: DueDelivery) async {
        do {
            try await deliver(delivery)
        } catch {
            logger.error(
                "Webhook delivery could not be recorded",
                metadata: ["delivery_id": "\(delivery.id)", "error": "\(String(reflecting: error))"]
            )
        }
    }

    private func deliver(_ delivery: DueDelivery) async throws {
        let body: [UInt8]
        if let kept = delivery.body {
            body = kept
        } else {
            switch try await payloads.render(
                delivery.event,
                id: delivery.eventID,
                occurredAt: delivery.occurredAt,
                webhookID: delivery.webhookID
            ) {
            case .superseded(let reason):
                try await store.record(.skipped(reason: reason), of: delivery.id, at: clock.now)
                return
            case .body(let rendered):
                body = try await store.keepBody(rendered, of: delivery.eventID)
            }
        }
        let attempt = await send(body, for: delivery)
        let now = clock.now
        switch attempt {
        case .answered(let status, let latency) where (200..<300).contains(status):
            try await store.record(
                .delivered(statusCode: status, latencyMilliseconds: latency),
                of: delivery.id,
                at: now
            )
            logger.debug("Webhook delivered", metadata: ["delivery_id": "\(delivery.id)", "status": "\(status)"])
        case .answered(let status, let latency):
            try await failed(delivery, statusCode: status, error: "HTTP \(status)", latency: latency, now: now)
        case .refused(let reason):
            try await failed(delivery, statusCode: nil, error: reason, latency: nil, now: now)
        case .unanswered(let error, let latency):
            try await failed(delivery, statusCode: nil, error: error, latency: latency, now: now)
        }
    }

    private func failed(_ delivery: DueDelivery, statusCode: Int?, error: String, latency: Int?, now: Timestamp)
        async throws
    {
        let retryAt = Self.retryTime(after: delivery.attempts + 1, now: now, settings: settings)
        let givingUp = retryAt.secondsSinceEpoch > delivery.availableAt.secondsSinceEpoch + settings.giveUpAfterSeconds
        try await store.record(
            .failed(
                statusCode: statusCode,
                error: error,
                latencyMilliseconds: latency,
                retryAt: givingUp ? nil : retryAt
            ),
            of: delivery.id,
            at: now
        )
        if givingUp {
            let seconds = settings.giveUpAfterSeconds
            let period = seconds.isMultiple(of: 3600) ? "\(seconds / 3600) hours" : "\(seconds) seconds"
            let reason = "Deliveries failed for \(period); the last: \(error) at \(now)."
            try await store.disable(delivery.webhookID, reason: reason, at: now)
            logger.warning(
                "Webhook disabled",
                metadata: ["webhook_id": "\(delivery.webhookID)", "reason": "\(reason)"]
            )
        }
    }

    /// When attempt `attempts + 1` is due: the first delay doubled per attempt made, capped,
    /// varied by up to a fifth either way so that failing receivers are not hit in step.
    package static func retryTime(after attempts: Int, now: Timestamp, settings: WebhookSettings) -> Timestamp {
        let doublings = min(attempts - 1, 30)
        let delay = min(settings.maximumRetryDelaySeconds, settings.firstRetryDelaySeconds << doublings)
        let jitter = Double.random(in: 0.8...1.2)
        return now.adding(seconds: max(1, Int64((Double(delay) * jitter).rounded())))
    }

    package enum Attempt {
        case answered(status: Int, latencyMilliseconds: Int)
        case unanswered(String, latencyMilliseconds: Int)
        case refused(String)
    }

    /// One POST, signed, to the address checked for the target; no redirect is followed.
    private func send(_ body: [UInt8], for delivery: DueDelivery) async -> Attempt {
        guard let url = URL(string: delivery.url), let host = url.host else { return .refused("not a URL") }
        let address: String
        do {
            address = try await settings.targets.address(for: host, within: settings.timeout)
        } catch let refused as WebhookTargets.Refused {
            return .refused(refused.reason)
        } catch {
            return .refused("\(host) could not be resolved")
        }
        var configuration = HTTPClient.Configuration(
            redirectConfiguration: .disallow,
            timeout: .init(connect: .init(settings.timeout), read: .init(settings.timeout)),
            decompression: .disabled
        )
        // The name stays in the URL (TLS and Host) while the connection goes to the checked address.
        configuration.dnsOverride = [host: address]
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        defer { client.shutdown { _ in } }

        let id = delivery.messageID
        let timestamp = clock.now.secondsSinceEpoch
        var request = HTTPClientRequest(url: delivery.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "Masthead-Webhooks/1")
        request.headers.add(name: "webhook-id", value: id)
        request.headers.add(name: "webhook-timestamp", value: String(timestamp))
        request.headers.add(
            name: "webhook-signature",
            value: WebhookSignature.sign(id: id, timestamp: timestamp, body: body, secret: delivery.secret)
        )
        request.body = .bytes(ByteBuffer(bytes: body))
        let start = ContinuousClock.now
        func elapsed() -> Int {
            let duration = ContinuousClock.now - start
            return Int(duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000)
        }
        do {
            let response = try await client.execute(request, timeout: .init(settings.timeout))
            // The answer's body is not used; read at most a little of it.
            _ = try? await response.body.collect(upTo: 64 << 10)
            return .answered(status: Int(response.status.code), latencyMilliseconds: elapsed())
        } catch {
            return .unanswered(Self.describe(error), latencyMilliseconds: elapsed())
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError {
            switch error {
            case .deadlineExceeded, .readTimeout, .connectTimeout: return "timed out"
            default: return "request failed: \(error)"
            }
        }
        return "request failed: \(type(of: error))"
    }
}

/// The ids of the deliveries one dispatcher is sending.
private final class InFlight: Sendable {
    private let ids = Mutex<Set<Int64>>([])

    package var count: Int { ids.withLock { $0.count } }

    /// False if `id` is in flight already.
    package func insert(_ id: Int64) -> Bool {
        ids.withLock { $0.insert(id).inserted }
    }

    package func remove(_ id: Int64) {
        _ = ids.withLock { $0.remove(id) }
    }
}
