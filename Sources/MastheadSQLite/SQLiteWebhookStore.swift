import Foundation
import GRDB
import MastheadDomain
import MastheadStorage

/// Webhooks and their outbox in SQLite (migration 0014).
public struct SQLiteWebhookStore: WebhookStore {
    package let database: AppDatabase
    package let clock: ContentClock

    public init(database: AppDatabase, clock: ContentClock) {
        self.database = database
        self.clock = clock
    }

    public func create(_ input: WebhookInput, secret: [UInt8]) async throws -> Webhook {
        let now = clock.now
        return try await database.write { db in
            // SQLite's writes run one at a time: the count cannot change before the insert.
            guard try Int.fetchOne(db, sql: "SELECT count(*) FROM webhooks")! < WebhookRows.maximumCount else {
                throw WebhookRows.tooMany
            }
            try db.execute(
                literal: """
                    INSERT INTO webhooks (url, events, active, description, secret, created_at, updated_at)
                    VALUES (\(input.url), \(WebhookRows.events(input.events)), \(input.active), \(input.description),
                        \(Data(secret)), \(now), \(now))
                    """
            )
            return try Self.webhook(db.lastInsertedRowID, db)
        }
    }

    public func list() async throws -> [Webhook] {
        try await database.reader.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhooks ORDER BY id").map(Self.webhook(from:))
        }
    }

    public func find(id: Int64) async throws -> Webhook {
        try await database.reader.read { db in try Self.webhook(id, db) }
    }

    public func update(id: Int64, with input: WebhookInput) async throws -> Webhook {
        let now = clock.now
        return try await database.write { db in
            try db.execute(
                literal: """
                    UPDATE webhooks SET url = \(input.url), events = \(WebhookRows.events(input.events)),
                        active = \(input.active), description = \(input.description), updated_at = \(now),
                        disabled_reason = CASE WHEN \(input.active) THEN NULL ELSE disabled_reason END
                    WHERE id = \(id)
                    """
            )
            return try Self.webhook(id, db)
        }
    }

    public func delete(id: Int64) async throws {
        try await database.write { db in
            try db.execute(literal: "DELETE FROM webhooks WHERE id = \(id)")
            guard db.changesCount == 1 else { throw WebhookRows.notFound(id) }
        }
    }

    public func rotateSecret(id: Int64, secret: [UInt8]) async throws {
        let now = clock.now
        try await database.write { db in
            try db.execute(
                literal: "UPDATE webhooks SET secret = \(Data(secret)), updated_at = \(now) WHERE id = \(id)"
            )
            guard db.changesCount == 1 else { throw WebhookRows.notFound(id) }
        }
    }

    public func deliveries(of webhookID: Int64, page: PageRequest) async throws -> Page<WebhookDelivery> {
        try await database.reader.read { db in
            _ = try Self.webhook(webhookID, db)
            let total = try Int.fetchOne(
                db,
                SQLRequest<Int>(literal: "SELECT count(*) FROM webhook_deliveries WHERE webhook_id = \(webhookID)")
            )!
            let items = try Self.deliveries(
                db,
                "d.webhook_id = \(webhookID) ORDER BY d.id DESC LIMIT \(page.limit) OFFSET \(page.offset)"
            )
            return Page(items: items, total: total)
        }
    }

    public func redeliver(_ deliveryID: Int64, of webhookID: Int64) async throws -> WebhookDelivery {
        let now = clock.now
        return try await database.write { db in
            try db.execute(
                literal: """
                    INSERT INTO webhook_deliveries (webhook_id, event_id, status, available_at, next_attempt_at, created_at)
                    SELECT webhook_id, event_id, 'pending', \(now), \(now), \(now) FROM webhook_deliveries
                    WHERE id = \(deliveryID) AND webhook_id = \(webhookID)
                    """
            )
            guard db.changesCount == 1 else {
                throw StoreError.notFound(resource: .delivery, slug: String(deliveryID))
            }
            return try Self.deliveries(db, "d.id = \(db.lastInsertedRowID)")[0]
        }
    }

    public func ping(_ webhookID: Int64) async throws -> WebhookDelivery {
        let now = clock.now
        return try await database.write { db in
            _ = try Self.webhook(webhookID, db)
            try db.execute(
                literal: """
                    INSERT INTO webhook_events (type, resource, occurred_at, available_at, message_id)
                    VALUES (\(WebhookEvents.ping), 'webhook', \(now), \(now), \(WebhookMessageID.make()))
                    """
            )
            try db.execute(
                literal: """
                    INSERT INTO webhook_deliveries (webhook_id, event_id, status, available_at, next_attempt_at, created_at)
                    VALUES (\(webhookID), \(db.lastInsertedRowID), 'pending', \(now), \(now), \(now))
                    """
            )
            return try Self.deliveries(db, "d.id = \(db.lastInsertedRowID)")[0]
        }
    }

    public func claimDue(now: Timestamp, limit: Int, leaseUntil: Timestamp) async throws -> [DueDelivery] {
        // Polled every second: an idle outbox costs a read, not a write transaction.
        let anyDue = try await database.reader.read { db in
            try Bool.fetchOne(
                db,
                SQLRequest<Bool>(
                    literal: """
                        SELECT EXISTS (SELECT 1 FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= \(now))
                        """
                )
            )!
        }
        guard anyDue else { return [] }
        return try await database.write { db in
            let rows = try Row.fetchAll(
                db,
                SQLRequest<Row>(
                    literal: """
                        SELECT d.id, d.attempts, d.available_at, w.id AS webhook_id, w.url, w.secret, e.id AS event_id,
                            e.message_id, e.type, e.resource, e.slug, e.previous_slug, e.occurred_at, e.available_at AS event_available_at,
                            e.published_at, e.body
                        FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                        JOIN webhook_events e ON e.id = d.event_id
                        WHERE w.active = 1 AND d.status = 'pending' AND d.next_attempt_at <= \(now)
                          AND (d.leased_until IS NULL OR d.leased_until <= \(now))
                          AND d.id = (SELECT h.id FROM webhook_deliveries h
                                      WHERE h.webhook_id = d.webhook_id AND h.status = 'pending'
                                      ORDER BY h.available_at, h.id LIMIT 1)
                        ORDER BY d.next_attempt_at, d.id LIMIT \(limit)
                        """
                )
            )
            let due = try rows.map(Self.due(from:))
            for delivery in due {
                try db.execute(
                    literal: "UPDATE webhook_deliveries SET leased_until = \(leaseUntil) WHERE id = \(delivery.id)"
                )
            }
            return due
        }
    }

    public func keepBody(_ body: [UInt8], of eventID: Int64) async throws -> [UInt8] {
        try await database.write { db in
            try db.execute(
                literal: "UPDATE webhook_events SET body = \(Data(body)) WHERE id = \(eventID) AND body IS NULL"
            )
            let kept = try Data.fetchOne(
                db,
                SQLRequest<Data>(literal: "SELECT body FROM webhook_events WHERE id = \(eventID)")
            )
            return kept.map { Array($0) } ?? body
        }
    }

    public func record(_ outcome: DeliveryOutcome, of deliveryID: Int64, at now: Timestamp) async throws {
        let change = WebhookRows.Change(outcome)
        try await database.write { db in
            try db.execute(
                literal: """
                    UPDATE webhook_deliveries SET status = \(change.status), attempts = attempts + \(change.attempted),
                        last_status_code = coalesce(\(change.statusCode), last_status_code),
                        last_error = \(change.error), last_latency_ms = coalesce(\(change.latency), last_latency_ms),
                        next_attempt_at = coalesce(\(change.retryAt), next_attempt_at), leased_until = NULL,
                        finished_at = CASE WHEN \(change.status) = 'pending' THEN NULL ELSE \(now) END
                    WHERE id = \(deliveryID)
                    """
            )
        }
    }

    public func disable(_ webhookID: Int64, reason: String, at now: Timestamp) async throws {
        try await database.write { db in
            try db.execute(
                literal: """
                    UPDATE webhooks SET active = 0, disabled_reason = \(reason), updated_at = \(now) WHERE id = \(webhookID)
                    """
            )
        }
    }

    public func prune(finishedBefore cutoff: Timestamp) async throws -> Int {
        try await database.write { db in
            try db.execute(
                literal: """
                    DELETE FROM webhook_deliveries WHERE id IN (
                        SELECT id FROM webhook_deliveries WHERE status != 'pending' AND finished_at < \(cutoff)
                        LIMIT \(WebhookRows.pruneBatch))
                    """
            )
            let pruned = db.changesCount
            if pruned > 0 {
                try db.execute(
                    sql: """
                        DELETE FROM webhook_events
                        WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id)
                        """
                )
            }
            return pruned
        }
    }

    private static func webhook(_ id: Int64, _ db: Database) throws -> Webhook {
        guard let row = try Row.fetchOne(db, SQLRequest<Row>(literal: "SELECT * FROM webhooks WHERE id = \(id)")) else {
            throw WebhookRows.notFound(id)
        }
        return try webhook(from: row)
    }

    private static func webhook(from row: Row) throws -> Webhook {
        Webhook(
            id: row["id"],
            url: row["url"],
            events: WebhookRows.events(row["events"]),
            active: row["active"],
            description: row["description"],
            createdAt: try row.decode(forColumn: "created_at"),
            updatedAt: try row.decode(forColumn: "updated_at"),
            disabledReason: row["disabled_reason"]
        )
    }

    private static func deliveries(_ db: Database, _ condition: SQL) throws -> [WebhookDelivery] {
        try Row.fetchAll(
            db,
            SQLRequest<Row>(
                literal: """
                    SELECT d.*, e.type FROM webhook_deliveries d JOIN webhook_events e ON e.id = d.event_id WHERE \(condition)
                    """
            )
        ).map { row in
            let status = WebhookDelivery.Status(rawValue: row["status"]) ?? .failed
            return WebhookDelivery(
                id: row["id"],
                webhookID: row["webhook_id"],
                eventID: row["event_id"],
                eventType: row["type"],
                status: status,
                attempts: row["attempts"],
                lastStatusCode: row["last_status_code"],
                lastError: row["last_error"],
                lastLatencyMilliseconds: row["last_latency_ms"],
                createdAt: try row.decode(forColumn: "created_at"),
                nextAttemptAt: status == .pending ? try row.decode(forColumn: "next_attempt_at") : nil,
                finishedAt: try row.decode(forColumn: "finished_at")
            )
        }
    }

    private static func due(from row: Row) throws -> DueDelivery {
        let secret: Data = row["secret"]
        let body: Data? = row["body"]
        return DueDelivery(
            id: row["id"],
            attempts: row["attempts"],
            availableAt: try row.decode(forColumn: "available_at"),
            webhookID: row["webhook_id"],
            url: row["url"],
            secret: Array(secret),
            eventID: row["event_id"],
            // Every event has one since 0017; a row made otherwise is sent with its old form.
            messageID: row["message_id"] ?? "msg_\(row["event_id"] as Int64)",
            event: ContentEvent(
                type: row["type"],
                resource: try row.decode(forColumn: "resource"),
                slug: row["slug"],
                previousSlug: row["previous_slug"],
                availableAt: try row.decode(forColumn: "event_available_at"),
                publishedAt: try row.decode(forColumn: "published_at")
            ),
            occurredAt: try row.decode(forColumn: "occurred_at"),
            body: body.map { Array($0) }
        )
    }
}

/// Records content events in SQLite, inside the change's own write transaction.
package enum SQLiteOutbox {
    /// The events, each with one delivery per active webhook that wants it; an event no
    /// webhook wants is not kept.
    package static func record(_ events: [ContentEvent], now: Timestamp, _ db: Database) throws {
        for event in events {
            let patterns = WebhookRows.patterns(matching: event.type)
            let wanted = try Bool.fetchOne(
                db,
                SQLRequest<Bool>(
                    literal: """
                        SELECT EXISTS (SELECT 1 FROM webhooks WHERE active = 1 AND \(matching(patterns)))
                        """,
                    cached: true
                )
            )!
            guard wanted else { continue }
            let availableAt = event.availableAt ?? now
            try db.execute(
                literal: """
                    INSERT INTO webhook_events
                        (type, resource, slug, previous_slug, occurred_at, available_at, published_at, message_id)
                    VALUES (\(event.type), \(event.resource.rawValue), \(event.slug), \(event.previousSlug), \(now), \(availableAt),
                        \(event.publishedAt), \(WebhookMessageID.make()))
                    """
            )
            try db.execute(
                literal: """
                    INSERT INTO webhook_deliveries (webhook_id, event_id, status, available_at, next_attempt_at, created_at)
                    SELECT id, \(db.lastInsertedRowID), 'pending', \(availableAt), \(availableAt), \(now) FROM webhooks
                    WHERE active = 1 AND \(matching(patterns))
                    """
            )
        }
    }

    private static func matching(_ patterns: [String]) -> SQL {
        let conditions = patterns.map { pattern -> SQL in "(',' || events || ',') LIKE \("%," + pattern + ",%")" }
        return "(" + conditions.joined(separator: " OR ") + ")"
    }
}
