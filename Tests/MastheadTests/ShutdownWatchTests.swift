import Logging
import MastheadTestSupport
import ServiceLifecycle
import Synchronization
import Testing

@testable import Masthead
@testable import MastheadDomain

/// A shutdown is bounded as a whole: past the grace period the watch names the services that
/// had not stopped and ends the process (here: records that it would).
@Suite struct ShutdownWatchTests {
    /// Ignores graceful shutdown and cancellation alike, until the test lets it go.
    private final class Hanging: ServiceLifecycle.Service, Sendable {
        private let release = Mutex<CheckedContinuation<Void, Never>?>(nil)
        private let held = Mutex(false)

        func run() async throws {
            await withCheckedContinuation { continuation in
                release.withLock { $0 = continuation }
                held.withLock { $0 = true }
            }
        }

        var isHeld: Bool { held.withLock { $0 } }

        func letGo() {
            release.withLock {
                $0?.resume(); $0 = nil
            }
        }
    }

    /// Returns at once.
    private struct Stops: ServiceLifecycle.Service {
        func run() async throws {}
    }

    @Test func aServiceThatHangsIsNamedAndTheProcessEndsAfterTheGrace() async throws {
        let (ended, endedContinuation) = AsyncStream<[String]>.makeStream()
        let watch = ShutdownWatch(grace: .milliseconds(400)) { stillRunning in endedContinuation.yield(stillRunning) }
        let hanging = Hanging()
        var configuration = ServiceGroupConfiguration(
            services: [
                .init(service: watch.watching(hanging, as: "Hanging")),
                .init(service: ShutdownWatchService(watch: watch), successTerminationBehavior: .ignore),
            ],
            logger: Logger(label: "shutdown-watch-test")
        )
        configuration.maximumGracefulShutdownDuration = .milliseconds(100)
        let group = ServiceGroup(configuration: configuration)
        let running = Task { try? await group.run() }
        while !hanging.isHeld { try await Task.sleep(for: .milliseconds(5)) }
        #expect(watch.stillRunning == ["Hanging"])

        let started = ContinuousClock.now
        await group.triggerGracefulShutdown()
        var iterator = ended.makeAsyncIterator()
        let stillRunning = await iterator.next()
        #expect(stillRunning == ["Hanging"])
        #expect(ContinuousClock.now - started >= .milliseconds(400), "not before the grace period is over")

        hanging.letGo()
        await running.value
        #expect(watch.stillRunning.isEmpty)
    }

    /// A service that stops is no longer named.
    @Test func aServiceThatStopsIsNotNamed() async throws {
        let watch = ShutdownWatch(grace: .seconds(60)) { _ in Issue.record("the process would have ended") }
        try await watch.watching(Stops(), as: "Stops").run()
        #expect(watch.stillRunning.isEmpty)
    }

    @Test func theGraceMustOutlastTheShutdownTimeout() async throws {
        #expect(try await resolveConfiguration([:]).limits.shutdownGrace == .seconds(25))
        #expect(try await resolveConfiguration([.shutdownTimeout: "30s"]).limits.shutdownGrace == .seconds(45))
        let error = await #expect(throws: AppConfiguration.Invalid.self) {
            try await resolveConfiguration([.shutdownTimeout: "30s", .shutdownGrace: "20s"])
        }
        #expect(
            error?.description == "invalid shutdown grace: expected longer than the shutdown timeout (30.0 seconds)"
        )
    }
}
