import Foundation
import Hummingbird
import Logging
import Masthead
import MastheadDomain
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

/// A real HTTP server on loopback that records every request it gets and answers as the
/// test scripts it: a status, or a delay past the sender's timeout.
package final class WebhookReceiver: Sendable {
    package struct Received: Sendable {
        package let headers: HTTPFields
        package let body: [UInt8]

        /// The header `name` (lowercase), if sent.
        package func header(_ name: String) -> String? {
            headers.first { $0.name.canonicalName == name }?.value
        }

        package var json: JSONValue {
            get throws { try JSONDecoder().decode(JSONValue.self, from: Data(body)) }
        }
    }

    package enum Answer: Sendable {
        case status(HTTPResponse.Status)
        case delay(Duration)
    }

    private let state = Mutex<(received: [Received], script: [Answer], answered: Int)>(([], [], 0))

    /// Answers in turn, then 204 to everything.
    package func script(_ answers: [Answer]) {
        state.withLock { $0.script = answers }
    }

    package var received: [Received] { state.withLock { $0.received } }
    /// Requests answered so far (a delayed one once its delay is over).
    package var answered: Int { state.withLock { $0.answered } }

    /// Waits (up to `limit`) until `count` requests have come.
    package func waitFor(_ count: Int, _ comment: Comment? = nil, limit: Duration = .seconds(10)) async throws
        -> [Received]
    {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < limit {
            let now = received
            if now.count >= count { return now }
            try await Task.sleep(for: .milliseconds(50))
        }
        // A test process under load may wake the loop late: one more look before failing.
        let last = received
        if last.count >= count { return last }
        Issue.record(comment ?? "the receiver got \(last.count) requests, not \(count)")
        return last
    }

    private func answer(_ request: Request) async throws -> Response {
        let body = try await request.body.collect(upTo: 1 << 20)
        let answer = state.withLock { state -> Answer in
            state.received.append(Received(headers: request.headers, body: Array(buffer: body)))
            return state.script.isEmpty ? .status(.noContent) : state.script.removeFirst()
        }
        defer { state.withLock { $0.answered += 1 } }
        switch answer {
        case .status(let status):
            return Response(status: status)
        case .delay(let duration):
            try await Task.sleep(for: duration)
            return Response(status: .noContent)
        }
    }

    /// Runs a receiver for `body`, with the URL webhooks should name.
    package static func with(_ body: (WebhookReceiver, String) async throws -> Void) async throws {
        let receiver = WebhookReceiver()
        let router = Router()
        router.post("hook") { request, _ in try await receiver.answer(request) }
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            },
            logger: {
                // Cancelled at the end of each test, which its server reports as errors.
                var logger = Logger(label: "webhook-receiver")
                logger.logLevel = .critical
                return logger
            }()
        )
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            var iterator = ports.makeAsyncIterator()
            let port = try #require(await iterator.next())
            try await body(receiver, "http://127.0.0.1:\(port)/hook")
            group.cancelAll()
        }
    }
}
