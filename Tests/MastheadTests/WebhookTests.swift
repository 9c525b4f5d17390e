import Crypto
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import MastheadStorage
import MastheadTestSupport
import ServiceLifecycle
import Synchronization
import Testing

@testable import Masthead
@testable import MastheadDomain

/// Webhooks: content writes raise events in their own transaction; a background service
/// delivers them to a real receiver on loopback, signed the Standard Webhooks way, in order,
/// retried, and gives up after a day.
@Suite struct WebhookTests {
    /// Loopback allowed (the receiver is there), fast polling and short retries.
    static func configure(_ configuration: inout AppConfiguration) {
        configuration.webhooks.targets = WebhookTargets(allowHTTP: true, allowPrivateAddresses: true)
        configuration.webhooks.pollInterval = .milliseconds(40)
        configuration.webhooks.firstRetryDelaySeconds = 1
        configuration.webhooks.maximumRetryDelaySeconds = 4
        configuration.webhooks.timeout = .seconds(2)
        configuration.webhooks.giveUpAfterSeconds = 20
    }

    /// Returns once the dispatcher has ended three more passes over the outbox
    /// (`masthead_webhook_passes_total`): what it would send of the outbox as it is now, it
    /// has claimed by the second, and the third leaves the attempt time to arrive. For
    /// asserting that something was not sent, without guessing a time.
    static func afterPasses(_ client: some TestClientProtocol) async throws {
        func passes() async throws -> Int {
            let metrics = try await client.get("/metrics").text
            let line = metrics.split(separator: "\n").first { $0.hasPrefix("masthead_webhook_passes_total ") }
            return line.flatMap { Double($0.split(separator: " ")[1]) }.map { Int($0) } ?? 0
        }
        let start = try await passes()
        let waiting = ContinuousClock.now
        while try await passes() < start + 3 {
            guard ContinuousClock.now - waiting < .seconds(10) else {
                Issue.record("the webhook dispatcher made no pass in 10 seconds")
                return
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    private static func seed(_ seed: Seeder) async throws {
        try await seed.author("ann")
    }

    /// Subscribes `url` to `events`; the webhook's id and secret.
    private static func subscribe(
        _ url: String,
        events: [String],
        _ client: some TestClientProtocol,
        token: String
    ) async throws -> (id: Int, secret: String) {
        let list = events.map { "\"\($0)\"" }.joined(separator: ",")
        let created = try await client.send(
            .post,
            "/v1/webhooks",
            json: #"{"url": "\#(url)", "events": [\#(list)], "description": "test"}"#,
            token: token
        )
        #expect(created.status == .created)
        let data = try created.json["data"]
        return (try #require(data["id"].int), try #require(data["secret"].string))
    }

    private static func article(_ slug: String, status: String = "published", extra: String = "") -> String {
        #"{"title": "\#(slug)", "slug": "\#(slug)", "body_markdown": "Hello.", "author": "ann", "status": "\#(status)"\#(extra)}"#
    }

    /// The signature checked from first principles: HMAC-SHA256 of "id.timestamp.body" under
    /// the secret's base64 bytes.
    private static func verifies(_ received: WebhookReceiver.Received, secret: String) throws -> Bool {
        let key = try #require(Data(base64Encoded: String(secret.dropFirst("whsec_".count))))
        let id = try #require(received.header("webhook-id"))
        let timestamp = try #require(received.header("webhook-timestamp"))
        let signature = try #require(received.header("webhook-signature"))
        let mac = HMAC<SHA256>.authenticationCode(
            for: Data("\(id).\(timestamp).".utf8) + Data(received.body),
            using: SymmetricKey(data: key)
        )
        return signature == "v1," + Data(mac).base64EncodedString()
    }

    @Test(arguments: AppEngine.available) func aPublicationIsDeliveredSignedAndRecorded(engine: AppEngine) async throws
    {
        try await WebhookReceiver.with { receiver, url in
            try await withApp(on: engine, configure: Self.configure, seed: Self.seed) { client, storage async throws in
                let admin = try await storage.token([.admin])
                let hook = try await Self.subscribe(url, events: ["article.*"], client, token: admin)
                #expect(hook.secret.hasPrefix("whsec_"))

                // A draft raises nothing; its publication does.
                #expect(
                    try await client.send(
                        .post,
                        "/v1/articles",
                        json: Self.article("quiet", status: "draft"),
                        token: admin
                    )
                    .status == .created
                )
                #expect(try await storage.integer("SELECT count(*) FROM webhook_deliveries") == 0)
                let published = try await client.send(
                    .patch,
                    "/v1/articles/quiet",
                    json: #"{"status": "published", "slug": "loud"}"#,
                    token: admin
                )
                #expect(published.status == .ok)
                let received = try await receiver.waitFor(1)
                let event = try received[0].json
                #expect(event["type"].string == "article.published")
                #expect(event["data"]["resource"].string == "article")
                #expect(event["data"]["slug"].string == "loud")
                #expect(event["data"]["previous_slug"].string == "quiet")
                #expect(event["data"]["article"]["title"].string == "quiet")
                #expect(event["data"]["article"]["body_html"].string == "<p>Hello.</p>\n")
                #expect(try Self.verifies(received[0], secret: hook.secret))
                #expect(received[0].header("content-type") == "application/json")

                // Recorded: delivered, one attempt, its status and latency.
                var deliveries = try await client.send(.get, "/v1/webhooks/\(hook.id)/deliveries", token: admin)
                for _ in 0..<50 where try deliveries.json["data"][0]["status"].string != "delivered" {
                    try await Task.sleep(for: .milliseconds(50))
                    deliveries = try await client.send(.get, "/v1/webhooks/\(hook.id)/deliveries", token: admin)
                }
                let delivery = try deliveries.json["data"][0]
                #expect(delivery["status"].string == "delivered" && delivery["attempts"].int == 1)
                #expect(delivery["last_status_code"].int == 204 && delivery["event"].string == "article.published")
                #expect(delivery["last_latency_ms"].int != nil && delivery["next_attempt_at"].isNull)

                // Redelivered: the same message, the same bytes; a ping says who it is for.
                let deliveryID = try #require(delivery["id"].int)
                let again = try await client.send(
                    .post,
                    "/v1/webhooks/\(hook.id)/deliveries/\(deliveryID)/redeliver",
                    token: admin
                )
                #expect(again.status == .accepted)
                #expect(try await client.send(.post, "/v1/webhooks/\(hook.id)/ping", token: admin).status == .accepted)
                let all = try await receiver.waitFor(3)
                #expect(all[1].body == all[0].body)
                #expect(all[1].header("webhook-id") == all[0].header("webhook-id"))
                #expect(try all[2].json["type"].string == "ping" && all[2].json["data"]["webhook_id"].int == hook.id)

                // Updates, unpublishing and deleting; the secret is shown again only when rotated.
                #expect(
                    try await client.send(.patch, "/v1/articles/loud", json: #"{"featured": true}"#, token: admin)
                        .status == .ok
                )
                _ = try await receiver.waitFor(4)
                #expect(try await client.send(.delete, "/v1/articles/loud", token: admin).status == .noContent)
                let types = try await receiver.waitFor(5).suffix(2).map { try $0.json["type"].string }
                #expect(types == ["article.updated", "article.deleted"])
                let listed = try await client.send(.get, "/v1/webhooks", token: admin)
                #expect(!listed.text.contains("whsec_"))
                let rotated = try await client.send(.post, "/v1/webhooks/\(hook.id)/rotate-secret", token: admin)
                let newSecret = try #require(try rotated.json["data"]["secret"].string)
                #expect(newSecret != hook.secret)
                _ = try await client.send(.post, "/v1/webhooks/\(hook.id)/ping", token: admin)
                let last = try #require(try await receiver.waitFor(6).last)
                #expect(try Self.verifies(last, secret: newSecret) && !(try Self.verifies(last, secret: hook.secret)))
            }
        }
    }

    /// Uploading, describing and deleting an asset are announced as `media.*`, named by id,
    /// the asset as the API serves it; uploading the same bytes again announces nothing.
    @Test(arguments: AppEngine.available) func mediaWritesAreAnnounced(engine: AppEngine) async throws {
        try await WebhookReceiver.with { receiver, url in
            try await withApp(on: engine, configure: Self.configure) { client, storage async throws in
                let admin = try await storage.token([.admin])
                let hook = try await Self.subscribe(url, events: ["media.*"], client, token: admin)
                let photo = try MediaTests.photo(width: 60, height: 40, orientation: 1)
                let created = try await MediaTests.upload(client, photo, token: admin)
                #expect(created.status == .created)
                let id = try #require(try created.json["data"]["id"].int)
                #expect(try await MediaTests.upload(client, photo, token: admin).status == .ok)
                let described = try await client.send(
                    .patch,
                    "/v1/media/\(id)",
                    json: #"{"alt": "A field"}"#,
                    token: admin
                )
                #expect(described.status == .ok)
                // Sent once the asset is gone, an update would say nothing: a later event says what became of it.
                if try await receiver.waitFor(2, limit: .seconds(30)).count < 2 {
                    let deliveries = try await client.send(.get, "/v1/webhooks/\(hook.id)/deliveries", token: admin)
                    Issue.record("deliveries: \(deliveries.text)")
                }
                #expect(try await client.send(.delete, "/v1/media/\(id)", token: admin).status == .noContent)
                let events = try await receiver.waitFor(3, limit: .seconds(30)).map { try $0.json }
                try #require(events.map { $0["type"].string } == ["media.created", "media.updated", "media.deleted"])
                #expect(events.allSatisfy { $0["data"]["resource"].string == "media" && $0["data"]["id"].int == id })
                #expect(events[0]["data"]["media"]["hash"].string == MediaTests.sha256(photo))
                #expect(events[1]["data"]["media"]["alt"].string == "A field")
                #expect(events[2]["data"]["media"].isNull && events[2]["data"]["slug"].isNull)
                try await Self.afterPasses(client)
                #expect(receiver.received.count == 3, "the second upload of the same bytes raised nothing")
            }
        }
    }

    @Test(arguments: AppEngine.available) func failuresAreRetriedInOrderAndADayOfThemDisablesTheWebhook(
        engine: AppEngine
    ) async throws {
        let clock = TestClock()
        try await WebhookReceiver.with { receiver, url in
            try await withApp(on: engine, clock: clock, configure: Self.configure, seed: Self.seed) {
                client,
                storage async throws in
                let admin = try await storage.token([.admin])
                let hook = try await Self.subscribe(url, events: ["*"], client, token: admin)
                // A 500, a time-out, then success.
                receiver.script([.status(.internalServerError), .delay(.seconds(4))])
                #expect(
                    try await client.send(.post, "/v1/articles", json: Self.article("first"), token: admin).status
                        == .created
                )
                #expect(
                    try await client.send(.post, "/v1/authors", json: #"{"name": "Bo", "slug": "bo"}"#, token: admin)
                        .status == .created
                )
                _ = try await receiver.waitFor(1)
                try await Self.afterPasses(client)
                #expect(receiver.received.count == 1, "the second event waits behind the first")
                let failing = try await client.send(.get, "/v1/webhooks/\(hook.id)/deliveries", token: admin)
                let head = try failing.json["data"].array.last
                #expect(head?["status"].string == "pending" && head?["last_status_code"].int == 500)
                #expect(head?["last_error"].string == "HTTP 500" && head?["next_attempt_at"].string != nil)

                for _ in 0..<20 where receiver.received.count < 4 {
                    clock.advance(seconds: 2)
                    try await Task.sleep(for: .milliseconds(700))
                }
                let received = try await receiver.waitFor(4)
                #expect(
                    try received.map { try $0.json["type"].string } == [
                        "article.published", "article.published", "article.published", "author.created",
                    ]
                )
                let retried = try await client.send(.get, "/v1/webhooks/\(hook.id)/deliveries", token: admin)
                let first = try retried.json["data"].array.last
                #expect(first?["status"].string == "delivered" && first?["attempts"].int == 3)

                // Failing on and on: given up after a day (20 s here), the webhook disabled.
                receiver.script(Array(repeating: .status(.badGateway), count: 100))
                #expect(
                    try await client.send(.post, "/v1/tags", json: #"{"name": "Go", "slug": "go"}"#, token: admin)
                        .status == .created
                )
                for _ in 0..<30 {
                    clock.advance(seconds: 4)
                    try await Task.sleep(for: .milliseconds(150))
                    let webhook = try await client.send(.get, "/v1/webhooks/\(hook.id)", token: admin)
                    if try webhook.json["data"]["active"].bool == false { break }
                }
                let disabled = try await client.send(.get, "/v1/webhooks/\(hook.id)", token: admin).json["data"]
                #expect(disabled["active"].bool == false)
                #expect(
                    disabled["disabled_reason"].string?.hasPrefix("Deliveries failed for 20 seconds; the last: ")
                        == true
                )
                #expect(
                    try await storage.text("SELECT status FROM webhook_deliveries ORDER BY id DESC LIMIT 1") == "failed"
                )
                let count = receiver.received.count
                _ = try await client.send(.post, "/v1/webhooks/\(hook.id)/ping", token: admin)
                try await Self.afterPasses(client)
                #expect(receiver.received.count == count, "a disabled webhook receives nothing")

                // Set active again, it says nothing of the past and delivers.
                receiver.script([])
                let enabled = try await client.send(
                    .patch,
                    "/v1/webhooks/\(hook.id)",
                    json: #"{"active": true}"#,
                    token: admin
                )
                #expect(try enabled.json["data"]["disabled_reason"].isNull)
                _ = try await receiver.waitFor(count + 1)
            }
        }
    }

    /// A receiver that takes its whole time-out holds back its own webhook's next event, never
    /// another webhook's: the second webhook's delivery arrives while the first's request is
    /// still unanswered.
    @Test(arguments: AppEngine.available) func aSlowReceiverDoesNotHoldUpAnotherWebhook(engine: AppEngine)
        async throws
    {
        try await WebhookReceiver.with { slow, slowURL in
            try await WebhookReceiver.with { quick, quickURL in
                try await withApp(
                    on: engine,
                    configure: { configuration in
                        Self.configure(&configuration)
                        configuration.webhooks.timeout = .seconds(10)
                    },
                    seed: Self.seed
                ) { client, storage async throws in
                    let admin = try await storage.token([.admin])
                    _ = try await Self.subscribe(slowURL, events: ["tag.*"], client, token: admin)
                    _ = try await Self.subscribe(quickURL, events: ["author.*"], client, token: admin)
                    slow.script([.delay(.seconds(8))])
                    let tag = try await client.send(.post, "/v1/tags", json: #"{"name": "Go"}"#, token: admin)
                    #expect(tag.status == .created)
                    _ = try await slow.waitFor(1)
                    let author = try await client.send(.post, "/v1/authors", json: #"{"name": "Bo"}"#, token: admin)
                    #expect(author.status == .created)
                    let received = try await quick.waitFor(1, limit: .seconds(6))
                    #expect(try received.first?.json["type"].string == "author.created")
                    #expect(slow.answered == 0, "the other webhook's delivery waited for the slow receiver")
                    _ = try await slow.waitFor(1)
                }
            }
        }
    }

    @Test(arguments: AppEngine.available) func aScheduledArticleIsAnnouncedWhenItGoesLive(engine: AppEngine)
        async throws
    {
        let clock = TestClock()
        try await WebhookReceiver.with { receiver, url in
            try await withApp(on: engine, clock: clock, configure: Self.configure, seed: Self.seed) {
                client,
                storage async throws in
                let admin = try await storage.token([.admin])
                _ = try await Self.subscribe(url, events: ["article.published"], client, token: admin)
                let later = clock.now.adding(seconds: 60).rfc3339
                let soon = Self.article("soon", status: "scheduled", extra: #", "published_at": "\#(later)""#)
                #expect(try await client.send(.post, "/v1/articles", json: soon, token: admin).status == .created)
                let moved = Self.article("moved", status: "scheduled", extra: #", "published_at": "\#(later)""#)
                #expect(try await client.send(.post, "/v1/articles", json: moved, token: admin).status == .created)
                // Rescheduled an hour on: its first announcement no longer holds.
                let hourLater = clock.now.adding(seconds: 3_600).rfc3339
                let patch = #"{"published_at": "\#(hourLater)", "status": "scheduled"}"#
                #expect(try await client.send(.patch, "/v1/articles/moved", json: patch, token: admin).status == .ok)
                try await Self.afterPasses(client)
                #expect(receiver.received.isEmpty)

                clock.advance(seconds: 61)
                let received = try await receiver.waitFor(1)
                #expect(try received[0].json["type"].string == "article.published")
                #expect(try received[0].json["data"]["slug"].string == "soon")
                var skipped = 0
                for _ in 0..<100 where skipped == 0 {
                    try await Task.sleep(for: .milliseconds(50))
                    let sql = "SELECT count(*) FROM webhook_deliveries WHERE status = 'skipped'"
                    skipped = try await storage.integer(sql) ?? 0
                }
                #expect(skipped == 1)
                #expect(receiver.received.count == 1)
                clock.advance(seconds: 3_600)
                let both = try await receiver.waitFor(2)
                #expect(try both[1].json["data"]["slug"].string == "moved")
            }
        }
    }

    @Test(arguments: AppEngine.available) func pendingDeliveriesSurviveARestart(engine: AppEngine) async throws {
        let database = try await TestDatabase(on: engine)
        let location = database.location
        var configuration = AppConfiguration(port: 0, databasePath: location, logLevel: .error)
        configuration.databaseConnections = 4
        Self.configure(&configuration)
        let token = Mutex<String?>(nil)
        configuration.loadDemoContent = true
        try await WebhookReceiver.with { receiver, url in
            // First run: the receiver is failing; the retry is due in an hour.
            var first = configuration
            first.webhooks.firstRetryDelaySeconds = 3_600
            let app = try await buildApplication(
                first,
                onDemoToken: { secret in token.withLock { $0 = secret.secret } }
            )
            let admin = try #require(token.withLock { $0 })
            try await app.test(.router) { client in
                _ = try await Self.subscribe(url, events: ["tag.*"], client, token: admin)
                receiver.script([.status(.serviceUnavailable)])
                let created = try await client.send(
                    .post,
                    "/v1/tags",
                    json: #"{"name": "Later", "slug": "later"}"#,
                    token: admin
                )
                #expect(created.status == .created)
                _ = try await receiver.waitFor(1)
            }
            // Second run, on the same database, two hours on: the retry is sent.
            var second = configuration
            second.loadDemoContent = false
            let restarted = try await buildApplication(
                second,
                clock: ContentClock { ContentClock.system.now.adding(seconds: 7_200) }
            )
            try await restarted.test(.router) { _ in
                let received = try await receiver.waitFor(2)
                #expect(try received[1].json["type"].string == "tag.created")
                #expect(received[1].body == received[0].body)
            }
        }
        withExtendedLifetime(database) {}
    }

    /// Finished deliveries are let go of after the configured time, with the events they
    /// alone needed; pending ones never are.
    @Test(arguments: StoreEngine.available) func finishedDeliveriesAreLetGoOf(engine: StoreEngine) async throws {
        let fixture = try await StoreFixture(engine)
        let webhooks = fixture.stores.webhooks
        let hook = try await webhooks.create(
            WebhookInput(url: "https://hooks.example/x", events: ["*"], active: true, description: nil),
            secret: Array(repeating: 7, count: 32)
        )
        let done = try await webhooks.ping(hook.id)
        try await webhooks.record(
            .delivered(statusCode: 204, latencyMilliseconds: 3),
            of: done.id,
            at: fixture.clock.now
        )
        let waiting = try await webhooks.ping(hook.id)
        #expect(try await webhooks.prune(finishedBefore: fixture.clock.now) == 0)
        fixture.clock.advance(seconds: 10)
        #expect(try await webhooks.prune(finishedBefore: fixture.clock.now) == 1)
        let left = try await webhooks.deliveries(of: hook.id, page: PageRequest(number: 1, limit: 10))
        #expect(left.items.map(\.id) == [waiting.id] && left.total == 1)
        // Its event went with it; the pending one's stays and is still sent.
        let due = try await webhooks.claimDue(
            now: fixture.clock.now,
            limit: 8,
            leaseUntil: fixture.clock.now.adding(seconds: 15)
        )
        #expect(due.map(\.id) == [waiting.id] && due.first?.event.type == "ping")
        let redelivered = try? await webhooks.redeliver(done.id, of: hook.id)
        #expect(redelivered == nil)
    }

    /// A `webhook-id` is never given twice: not after the event that had it is let go of (on
    /// SQLite a deleted row's number comes back), and not on another database, whatever its
    /// engine. Every attempt of one event carries the same id.
    @Test(arguments: StoreEngine.available) func messageIDsNeverRepeat(engine: StoreEngine) async throws {
        var seen: Set<String> = []
        for _ in 0..<2 {  // a second publication (another engine's, or an import's) starts afresh
            let fixture = try await StoreFixture(engine)
            let webhooks = fixture.stores.webhooks
            let hook = try await webhooks.create(
                WebhookInput(url: "https://hooks.example/x", events: ["*"], active: true, description: nil),
                secret: Array(repeating: 7, count: 32)
            )
            for _ in 0..<3 {
                let delivery = try await webhooks.ping(hook.id)
                let due = try await webhooks.claimDue(
                    now: fixture.clock.now,
                    limit: 8,
                    leaseUntil: fixture.clock.now.adding(seconds: 15)
                )
                let id = try #require(due.first { $0.id == delivery.id }?.messageID)
                #expect(id.wholeMatch(of: /msg_[0-9a-hjkmnp-tv-z]{26}/) != nil, "\(id)")
                #expect(seen.insert(id).inserted, "\(id) given twice")
                // A retry sends the same id.
                try await webhooks.record(
                    .failed(statusCode: 500, error: nil, latencyMilliseconds: 1, retryAt: fixture.clock.now),
                    of: delivery.id,
                    at: fixture.clock.now
                )
                fixture.clock.advance(seconds: 20)
                let again = try await webhooks.claimDue(
                    now: fixture.clock.now,
                    limit: 8,
                    leaseUntil: fixture.clock.now.adding(seconds: 15)
                )
                #expect(again.first { $0.id == delivery.id }?.messageID == id)
                // Delivered, then let go of with its event: the next event's row may reuse the number.
                try await webhooks.record(
                    .delivered(statusCode: 204, latencyMilliseconds: 3),
                    of: delivery.id,
                    at: fixture.clock.now
                )
                fixture.clock.advance(seconds: 10)
                #expect(try await webhooks.prune(finishedBefore: fixture.clock.now) == 1)
            }
        }
        #expect(seen.count == 6)
    }

    /// One attempt may spend the whole time-out resolving the name and then the whole
    /// time-out on the request: a lease shorter than both would let a second instance claim
    /// and send the delivery while the first still may.
    @Test func aLeaseOutlastsTheWorstCaseOfOneAttempt() {
        for timeout: Duration in [.seconds(10), .seconds(2), .milliseconds(2_500), .seconds(60)] {
            var settings = WebhookSettings()
            settings.timeout = timeout
            let worst = timeout * 2
            #expect(Duration.seconds(settings.leaseSeconds) > worst + .seconds(5), "\(timeout)")
        }
    }

    /// The cap is counted where the webhook is written: creations sent at once cannot pass
    /// it together.
    @Test(arguments: AppEngine.available) func creationsAtOnceCannotPassTheCap(engine: AppEngine) async throws {
        try await withApp(on: engine, configure: Self.configure) { client, storage async throws in
            let admin = try await storage.token([.admin])
            let statuses = try await withThrowingTaskGroup(of: (Int, String?).self) { group in
                for index in 0..<(WebhookRows.maximumCount + 12) {
                    group.addTask {
                        let response = try await client.send(
                            .post,
                            "/v1/webhooks",
                            json: #"{"url": "https://hooks.example/\#(index)", "events": ["*"]}"#,
                            token: admin
                        )
                        return (Int(response.status.code), try? response.json["code"].string)
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(statuses.filter { $0.0 == 201 }.count == WebhookRows.maximumCount)
            #expect(statuses.filter { $0.0 == 409 && $0.1 == "too_many_webhooks" }.count == 12)
            #expect(try await storage.integer("SELECT count(*) FROM webhooks") == WebhookRows.maximumCount)
        }
    }

    @Test func loopbackAndPrivateTargetsAreRefusedUnlessAllowed() async throws {
        try await WebhookReceiver.with { receiver, url in
            try await withApp(
                on: .sqlite,
                configure: { configuration in
                    Self.configure(&configuration)
                    configuration.webhooks.targets = WebhookTargets(allowHTTP: true, allowPrivateAddresses: false)
                },
                seed: Self.seed
            ) { client, storage async throws in
                let admin = try await storage.token([.admin])
                let hook = try await Self.subscribe(url, events: ["*"], client, token: admin)
                #expect(try await client.send(.post, "/v1/webhooks/\(hook.id)/ping", token: admin).status == .accepted)
                var delivery = JSON.null
                for _ in 0..<50 {
                    delivery = try await client.send(.get, "/v1/webhooks/\(hook.id)/deliveries", token: admin).json[
                        "data"
                    ][0]
                    if delivery["attempts"].int == 1 { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
                #expect(delivery["status"].string == "pending" && delivery["last_status_code"].isNull)
                #expect(
                    delivery["last_error"].string == "127.0.0.1 resolves to 127.0.0.1, which is not a public address"
                )
                #expect(receiver.received.isEmpty)
            }
        }
        let addresses: [(String, Bool)] = [
            ("127.0.0.1", false), ("10.1.2.3", false), ("172.20.0.1", false), ("192.168.1.1", false),
            ("169.254.169.254", false), ("100.64.0.1", false), ("0.0.0.0", false), ("224.0.0.1", false),
            ("93.184.216.34", true), ("::1", false), ("fe80::1", false), ("fd00:ec2::254", false),
            ("::ffff:127.0.0.1", false), ("::ffff:93.184.216.34", true), ("2606:2800:220:1::1", true),
        ]
        for (text, expected) in addresses {
            let resolved = try await WebhookTargets.resolve(text)
            #expect(resolved.allSatisfy { $0.isPublic == expected }, "\(text)")
        }
    }

    @Test func badSubscriptionsAreRefusedAndNeedAnAdmin() async throws {
        try await withApp(on: .sqlite, seed: Self.seed) { client, storage async throws in
            let admin = try await storage.token([.admin])
            let writer = try await storage.token([.contentWrite], name: "writer")
            let good = #"{"url": "https://hooks.example/x", "events": ["article.*"]}"#
            #expect(try await client.send(.post, "/v1/webhooks", json: good, token: writer).status == .forbidden)
            #expect(try await client.send(.get, "/v1/webhooks").status == .unauthorized)
            for (body, pointer) in [
                (#"{"url": "http://hooks.example/x", "events": ["*"]}"#, "/url"),
                (#"{"url": "ftp://hooks.example/x", "events": ["*"]}"#, "/url"),
                (#"{"url": "https://user:pw@hooks.example/x", "events": ["*"]}"#, "/url"),
                (#"{"url": "https://hooks.example/x", "events": ["article.eaten"]}"#, "/events"),
                (#"{"url": "https://hooks.example/x", "events": []}"#, "/events"),
                (#"{"url": "https://hooks.example/x"}"#, "/events"),
                (#"{"url": "https://hooks.example/x", "events": ["*"], "secret": "mine"}"#, "/secret"),
            ] {
                let refused = try await client.send(.post, "/v1/webhooks", json: body, token: admin)
                #expect(refused.status == .unprocessableContent, "\(body)")
                #expect(try refused.json["errors"][0]["pointer"].string == pointer, "\(body)")
            }
            #expect(try await storage.integer("SELECT count(*) FROM webhooks") == 0)
            #expect(try await client.send(.post, "/v1/webhooks", json: good, token: admin).status == .created)
            for path in ["/v1/webhooks/9", "/v1/webhooks/x", "/v1/webhooks/9/deliveries"] {
                #expect(try await client.send(.get, path, token: admin).status == .notFound, "\(path)")
            }
            #expect(
                try await client.send(.post, "/v1/webhooks/1/deliveries/9/redeliver", token: admin).status == .notFound
            )
            #expect(try await client.send(.delete, "/v1/webhooks/1", token: admin).status == .noContent)
            #expect(try await client.send(.delete, "/v1/webhooks/1", token: admin).status == .notFound)
        }
    }
}
