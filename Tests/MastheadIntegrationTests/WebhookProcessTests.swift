import Foundation
import MastheadTestSupport
import Testing

@testable import Masthead

/// Webhooks across a killed server process (the rest of the webhook tests, in-process, are
/// in MastheadTests' WebhookTests).
@Suite struct WebhookProcessTests {
    /// `kill -9` of the server (no shutdown) right after it acknowledged a write: the event is
    /// in the outbox, and the next server on the database delivers it, once a delivery the
    /// killed one may have started has outlived its lease.
    @Test(.timeLimit(.minutes(2)), arguments: AppEngine.available)
    func anAcknowledgedEventSurvivesKill9(engine: AppEngine) async throws {
        let database = try await TestDatabase(on: engine)
        let location = database.location
        let arguments = [
            "--db", location, "--port", "0", "--db-connections", "4", "--webhooks-allow-http",
            "--webhooks-allow-private",
        ]
        try await WebhookReceiver.with { receiver, url in
            let victim = try await ServerProcess.serve(arguments + ["--demo"])
            let storage = try await TestStorage(engine, location: location, clock: TestClock())
            let admin = try await storage.token([.admin], name: "crash")
            let subscribe = #"{"url": "\#(url)", "events": ["article.published"]}"#
            let created = try await MultiInstanceTests.request(
                victim.port,
                "/v1/webhooks",
                method: .post,
                token: admin,
                body: subscribe
            )
            #expect(created.status == .created)
            let body =
                #"{"title": "Survivor", "slug": "survivor", "body_markdown": "Kept.", "author": "alex-kim", "status": "published"}"#
            let article = try await MultiInstanceTests.request(
                victim.port,
                "/v1/articles",
                method: .post,
                token: admin,
                body: body
            )
            #expect(article.status == .created)
            victim.signal(SIGKILL)
            let afterKill = receiver.received.count

            let next = try await ServerProcess.serve(arguments)
            let received = try await receiver.waitFor(max(1, afterKill), limit: .seconds(60))
            #expect(try received.contains { try $0.json["data"]["slug"].string == "survivor" })
            var delivered = false
            for _ in 0..<150 where !delivered {
                let deliveries = try await MultiInstanceTests.request(
                    next.port,
                    "/v1/webhooks/1/deliveries",
                    token: admin
                )
                delivered = deliveries.body.contains(#""status":"delivered""#)
                if !delivered { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(delivered)
            withExtendedLifetime(next) {}
        }
        withExtendedLifetime(database) {}
    }
}
