import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import Masthead

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

        func letGo() { release.withLock { $0?.resume(); $0 = nil } }
    }

    /// Stops when asked, as every service should.
    private struct WellBehaved: ServiceLifecycle.Service {
        func run() async throws { try? await gracefulShutdown() }
    }

    @Test func aServiceThatHangsIsNamedAndTheProcessEndsAfterTheGrace() async throws {
        let (ended, endedContinuation) = AsyncStream<[String]>.makeStream()
        let watch = ShutdownWatch(grace: .seconds(3)) { stillRunning in endedContinuation.yield(stillRunning) }
        let hanging = Hanging()
        var configuration = ServiceGroupConfiguration(
            services: [
                .init(service: watch.watching(hanging, as: "Hanging")),
                .init(service: watch.watching(WellBehaved(), as: "WellBehaved")),
                .init(service: ShutdownWatchService(watch: watch), successTerminationBehavior: .ignore),
            ],
            logger: Logger(label: "shutdown-watch-test")
        )
        configuration.maximumGracefulShutdownDuration = .milliseconds(100)
        let group = ServiceGroup(configuration: configuration)
        let running = Task { try? await group.run() }
        while !hanging.isHeld { try await Task.sleep(for: .milliseconds(5)) }
        #expect(watch.stillRunning == ["Hanging", "WellBehaved"])

        let started = ContinuousClock.now
        await group.triggerGracefulShutdown()
        // The well-behaved one stops; the hanging one does not, past cancellation too.
        while watch.stillRunning != ["Hanging"] {
            try #require(ContinuousClock.now - started < .seconds(3), "WellBehaved did not stop")
            try await Task.sleep(for: .milliseconds(10))
        }
        var iterator = ended.makeAsyncIterator()
        let stillRunning = await iterator.next()
        let waited = ContinuousClock.now - started
        #expect(stillRunning == ["Hanging"])
        #expect(waited >= .seconds(3), "not before the grace period is over")

        hanging.letGo()
        await running.value
        #expect(watch.stillRunning.isEmpty)
    }

    @Test func theGraceMustOutlastTheShutdownTimeout() async throws {
        #expect(try await resolveConfiguration([:]).limits.shutdownGrace == .seconds(25))
        #expect(try await resolveConfiguration([.shutdownTimeout: "30s"]).limits.shutdownGrace == .seconds(45))
        let error = await #expect(throws: AppConfiguration.Invalid.self) {
            try await resolveConfiguration([.shutdownTimeout: "30s", .shutdownGrace: "20s"])
        }
        #expect(error?.description == "invalid shutdown grace: expected longer than the shutdown timeout (30.0 seconds)")
    }
}
