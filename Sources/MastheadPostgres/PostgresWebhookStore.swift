import Foundation
import Logging
import MastheadDomain
import MastheadStorage
import PostgresNIO

/// Webhooks and their outbox on PostgreSQL (migration 0008). Every instance's delivery
/// service claims from the same deliveries, under a lease, skipping rows another holds.
package struct PostgresWebhookStore: WebhookStore {
    package let engine: PostgresEngine
    package let clock: ContentClock

    package var logger: Logger { engine.logger }

    package func create(_ input: WebhookInput, secret: [UInt8]) async throws -> Webhook {
        let now = clock.now
        let logger = logger
        return try await engine.write(announcing: nil) { connection in
            // Creations wait for each other (the lock conflicts with itself, and with no
            // read), so each counts what every earlier one committed.
            try await connection.run("LOCK TABLE webhooks IN SHARE ROW EXCLUSIVE MODE", logger)
            let count = try await connection.run("SELECT count(*) AS n FROM webhooks", logger).first {
                try $0["n"] as Int
            }
            guard (count ?? 0) < WebhookRows.maximumCount else { throw WebhookRows.tooMany }
            let id = try await connection.run(
                """
                INSERT INTO webhooks (url, events, active, description, secret, created_at, updated_at)
                VALUES (\(input.url), \(WebhookRows.events(input.events)), \(input.active), \(input.description),
                    \(ByteBuffer(bytes: secret)), \(now), \(now))
                RETURNING id
                """,
                logger
            ).first { try $0["id"] as Int64 }!
            return try await Self.webhook(id, connection, logger)
        }
    }

    package func list() async throws -> [Webhook] {
        let logger = logger
        return try await engine.client.withConnection { connection in
            try await connection.run("SELECT * FROM webhooks ORDER BY id", logger).map(Self.webhook(from:))
        }
    }

    package func find(id: Int64) async throws -> Webhook {
        let logger = logger
        return try await engine.client.withConnection { connection in try await Self.webhook(id, connection, logger) }
    }

    package func update(id: Int64, with input: WebhookInput) async throws -> Webhook {
        let now = clock.now
        let logger = logger
        return try await engine.write(announcing: nil) { connection in
            try await connection.run(
                """
                UPDATE webhooks SET url = \(input.url), events = \(WebhookRows.events(input.events)),
                    active = \(input.active), description = \(input.description), updated_at = \(now),
                    disabled_reason = CASE WHEN \(input.active) THEN NULL ELSE disabled_reason END
                WHERE id = \(id)
                """,
                logger
            )
            return try await Self.webhook(id, connection, logger)
        }
    }

    package func delete(id: Int64) async throws {
        let logger = logger
        let deleted = try await engine.write(announcing: nil) { connection in
            try await connection.run("DELETE FROM webhooks WHERE id = \(id) RETURNING id", logger)
                .first { try $0["id"] as Int64 }
        }
        guard deleted != nil else { throw WebhookRows.notFound(id) }
    }

    package func rotateSecret(id: Int64, secret: [UInt8]) async throws {
        let now = clock.now
        let logger = logger
        let rotated = try await engine.write(announcing: nil) { connection in
            try await connection.run(
                """
                UPDATE webhooks SET secret = \(ByteBuffer(bytes: secret)), updated_at = \(now) WHERE id = \(id) RETURNING id
                """,
                logger
            ).first { try $0["id"] as Int64 }
        }
        guard rotated != nil else { throw WebhookRows.notFound(id) }
    }

    package func deliveries(of webhookID: Int64, page: PageRequest) async throws -> Page<WebhookDelivery> {
        let logger = logger
        return try await engine.client.withConnection { connection in
            _ = try await Self.webhook(webhookID, connection, logger)
            let total =
                try await connection.run(
                    "SELECT count(*) AS total FROM webhook_deliveries WHERE webhook_id = \(webhookID)",
                    logger
                ).first { try $0["total"] as Int } ?? 0
            let items = try await Self.deliveries(
                "d.webhook_id = \(webhookID) ORDER BY d.id DESC LIMIT \(page.limit) OFFSET \(page.offset)",
                connection,
                logger
            )
            return Page(items: items, total: total)
        }
    }

    package func redeliver(_ deliveryID: Int64, of webhookID: Int64) async throws -> WebhookDelivery {
        let now = clock.now
        let logger = logger
        let created = try await engine.write(announcing: nil) { connection -> WebhookDelivery? in
            let id = try await connection.run(
                """
                INSERT INTO webhook_deliveries (webhook_id, event_id, status, available_at, next_attempt_at, created_at)
                SELECT webhook_id, event_id, 'pending', \(now), \(now), \(now) FROM webhook_deliveries
                WHERE id = \(deliveryID) AND webhook_id = \(webhookID)
                RETURNING id
                """,
                logger
            ).first { try $0["id"] as Int64 }
            guard let id else { return nil }
            return try await Self.deliveries("d.id = \(id)", connection, logger).first
        }
        guard let created else { throw StoreError.notFound(resource: .delivery, slug: String(deliveryID)) }
        return created
    }

    package func ping(_ webhookID: Int64) async throws -> WebhookDelivery {
        let now = clock.now
        let logger = logger
        return try await engine.write(announcing: nil) { connection in
            _ = try await Self.webhook(webhookID, connection, logger)
            let id = try await connection.run(
                """
                WITH event AS (
                    INSERT INTO webhook_events (type, resource, occurred_at, available_at, message_id)
                    VALUES (\(WebhookEvents.ping), 'webhook', \(now), \(now), \(WebhookMessageID.make())) RETURNING id
                )
                INSERT INTO webhook_deliveries (webhook_id, event_id, status, available_at, next_attempt_at, created_at)
                SELECT \(webhookID), id, 'pending', \(now), \(now), \(now) FROM event
                RETURNING id
                """,
                logger
            ).first { try $0["id"] as Int64 }!
            return try await Self.deliveries("d.id = \(id)", connection, logger)[0]
        }
    }

    package func claimDue(now: Timestamp, limit: Int, leaseUntil: Timestamp) async throws -> [DueDelivery] {
        let logger = logger
        // Polled every second by every instance: an idle outbox costs a read of the pending
        // rows' index, not a write transaction.
        let anyDue = try await engine.client.withConnection { connection in
            try await connection.run(
                """
                SELECT EXISTS (SELECT 1 FROM webhook_deliveries
                               WHERE status = 'pending' AND next_attempt_at <= \(now)) AS due
                """,
                logger
            ).first { try $0["due"] as Bool } ?? false
        }
        guard anyDue else { return [] }
        return try await engine.write(announcing: nil) { connection in
            try await connection.run(
                """
                WITH claimed AS (
                    UPDATE webhook_deliveries SET leased_until = \(leaseUntil)
                    WHERE id IN (
                        SELECT d.id FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                        WHERE w.active AND d.status = 'pending' AND d.next_attempt_at <= \(now)
                          AND (d.leased_until IS NULL OR d.leased_until <= \(now))
                          AND d.id = (SELECT h.id FROM webhook_deliveries h
                                      WHERE h.webhook_id = d.webhook_id AND h.status = 'pending'
                                      ORDER BY h.available_at, h.id LIMIT 1)
                        ORDER BY d.next_attempt_at, d.id LIMIT \(limit)
                        FOR UPDATE OF d SKIP LOCKED
                    )
                    RETURNING id, attempts, available_at, webhook_id, event_id
                )
                SELECT c.id, c.attempts, c.available_at, w.id AS webhook_id, w.url, w.secret, e.id AS event_id, e.message_id,
                    e.type, e.resource, e.slug, e.previous_slug, e.occurred_at, e.available_at AS event_available_at,
                    e.published_at, e.body
                FROM claimed c JOIN webhooks w ON w.id = c.webhook_id JOIN webhook_events e ON e.id = c.event_id
                ORDER BY c.id
                """,
                logger
            ).map(Self.due(from:))
        }
    }

    package func keepBody(_ body: [UInt8], of eventID: Int64) async throws -> [UInt8] {
        let logger = logger
        return try await engine.write(announcing: nil) { connection in
            try await connection.run(
                "UPDATE webhook_events SET body = \(ByteBuffer(bytes: body)) WHERE id = \(eventID) AND body IS NULL",
                logger
            )
            let kept = try await connection.run("SELECT body FROM webhook_events WHERE id = \(eventID)", logger)
                .first { row in try row["body"] as ByteBuffer? }
            return kept.flatMap { $0 }.map { Array($0.readableBytesView) } ?? body
        }
    }

    package func record(_ outcome: DeliveryOutcome, of deliveryID: Int64, at now: Timestamp) async throws {
        let change = WebhookRows.Change(outcome)
        let logger = logger
        try await engine.write(announcing: nil) { connection -> Void in
            try await connection.run(
                """
                UPDATE webhook_deliveries SET status = \(change.status), attempts = attempts + \(change.attempted),
                    last_status_code = coalesce(\(change.statusCode), last_status_code),
                    last_error = \(change.error), last_latency_ms = coalesce(\(change.latency), last_latency_ms),
                    next_attempt_at = coalesce(\(change.retryAt), next_attempt_at), leased_until = NULL,
                    finished_at = CASE WHEN \(change.status) = 'pending' THEN NULL ELSE \(now) END
                WHERE id = \(deliveryID)
                """,
                logger
            )
        }
    }

    package func disable(_ webhookID: Int64, reason: String, at now: Timestamp) async throws {
        let logger = logger
        try await engine.write(announcing: nil) { connection -> Void in
            try await connection.run(
                """
                UPDATE webhooks SET active = false, disabled_reason = \(reason), updated_at = \(now) WHERE id = \(webhookID)
                """,
                logger
            )
        }
    }

    package func prune(finishedBefore cutoff: Timestamp) async throws -> Int {
        let logger = logger
        return try await engine.write(announcing: nil) { connection in
            let pruned =
                try await connection.run(
                    """
                    WITH gone AS (
                        DELETE FROM webhook_deliveries WHERE id IN (
                            SELECT id FROM webhook_deliveries WHERE status <> 'pending' AND finished_at < \(cutoff)
                            LIMIT \(WebhookRows.pruneBatch))
                        RETURNING 1
                    )
                    SELECT count(*) AS pruned FROM gone
                    """,
                    logger
                ).first { try $0["pruned"] as Int } ?? 0
            if pruned > 0 {
                try await connection.run(
                    """
                    DELETE FROM webhook_events e
                    WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = e.id)
                    """,
                    logger
                )
            }
            return pruned
        }
    }

    private static func webhook(_ id: Int64, _ connection: PGConnection, _ logger: Logger) async throws
        -> Webhook
    {
        let found = try await connection.run("SELECT * FROM webhooks WHERE id = \(id)", logger).first(webhook(from:))
        guard let found else { throw WebhookRows.notFound(id) }
        return found
    }

    private static func webhook(from row: PGRow) throws -> Webhook {
        Webhook(
            id: try row["id"],
            url: try row["url"],
            events: WebhookRows.events(try row["events"]),
            active: try row["active"],
            description: try row["description"],
            createdAt: try row.time("created_at"),
            updatedAt: try row.time("updated_at"),
            disabledReason: try row["disabled_reason"]
        )
    }

    private static func deliveries(_ condition: SQLFragment, _ connection: PGConnection, _ logger: Logger)
        async throws -> [WebhookDelivery]
    {
        try await connection.run(
            "SELECT d.*, e.type FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE \(condition)",
            logger
        ).map { row in
            let status = WebhookDelivery.Status(rawValue: try row["status"]) ?? .failed
            return WebhookDelivery(
                id: try row["id"],
                webhookID: try row["webhook_id"],
                eventID: try row["event_id"],
                eventType: try row["type"],
                status: status,
                attempts: try row["attempts"],
                lastStatusCode: try row["last_status_code"],
                lastError: try row["last_error"],
                lastLatencyMilliseconds: try row["last_latency_ms"],
                createdAt: try row.time("created_at"),
                nextAttemptAt: status == .pending ? try row.time("next_attempt_at") : nil,
                finishedAt: try row.optionalTime("finished_at")
            )
        }
    }

    private static func due(from row: PGRow) throws -> DueDelivery {
        DueDelivery(
            id: try row["id"],
            attempts: try row["attempts"],
            availableAt: try row.time("available_at"),
            webhookID: try row["webhook_id"],
            url: try row["url"],
            secret: Array((try row["secret"] as ByteBuffer).readableBytesView),
            eventID: try row["event_id"],
            messageID: try row["message_id"],
            event: ContentEvent(
                type: try row["type"],
                resource: try row.kind("resource"),
                slug: try row["slug"],
                previousSlug: try row["previous_slug"],
                availableAt: try row.time("event_available_at"),
                publishedAt: try row.optionalTime("published_at")
            ),
            occurredAt: try row.time("occurred_at"),
            body: (try row["body"] as ByteBuffer?).map { Array($0.readableBytesView) }
        )
    }
}

/// Records content events on PostgreSQL, inside the change's own transaction.
package enum PostgresOutbox {
    /// The events, each with one delivery per active webhook that wants it; an event no
    /// webhook wants is not kept.
    package static func record(_ events: [ContentEvent], now: Timestamp, _ connection: PGConnection, _ logger: Logger)
        async throws
    {
        for event in events {
            let patterns = WebhookRows.patterns(matching: event.type)
            let availableAt = event.availableAt ?? now
            try await connection.run(
                """
                WITH wanting AS (
                    SELECT id FROM webhooks
                    WHERE active AND EXISTS (SELECT 1 FROM unnest(string_to_array(events, ',')) AS p WHERE p = ANY(\(patterns)))
                ), event AS (
                    INSERT INTO webhook_events
                        (type, resource, slug, previous_slug, occurred_at, available_at, published_at, message_id)
                    SELECT \(event.type), \(event.resource.rawValue), \(event.slug), \(event.previousSlug), \(now), \(availableAt),
                        \(event.publishedAt), \(WebhookMessageID.make())
                    WHERE EXISTS (SELECT 1 FROM wanting)
                    RETURNING id
                )
                INSERT INTO webhook_deliveries (webhook_id, event_id, status, available_at, next_attempt_at, created_at)
                SELECT w.id, e.id, 'pending', \(availableAt), \(availableAt), \(now) FROM wanting w CROSS JOIN event e
                """,
                logger
            )
        }
    }
}
