import Foundation
import Logging
import MastheadDomain
import ServiceLifecycle
import Synchronization

/// Bounds a shutdown as a whole. Every service the application runs is watched by name
/// (`watching`); once a shutdown starts (`begin`), the process has `grace` to end. Past it,
/// the watch says which services had not stopped, on standard error and straight to the file
/// descriptor (a log pipe nobody reads cannot hold it up), and ends the process with status
/// 70, so that an orchestrator never has to kill it and can tell this end from a clean one.
public final class ShutdownWatch: Sendable {
    public let grace: Duration
    private let state = Mutex<State>(State())
    /// How the process ends once the grace is over; the real one in the binary, a recorder
    /// in tests.
    private let end: @Sendable (_ stillRunning: [String]) -> Void

    private struct State {
        package var running: [String: Int] = [:]
        package var begun = false
    }

    public init(grace: Duration, end: (@Sendable (_ stillRunning: [String]) -> Void)? = nil) {
        self.grace = grace
        self.end = end ?? ShutdownWatch.exitProcess
    }

    /// The names of the services running now, in order.
    public var stillRunning: [String] {
        state.withLock { $0.running.filter { $0.value > 0 }.keys.sorted() }
    }

    /// `service`, reporting when it starts and stops under `name`.
    public func watching(_ service: any ServiceLifecycle.Service, as name: String) -> any ServiceLifecycle.Service {
        Watched(service: service, name: name, watch: self)
    }

    /// A shutdown has started: the process ends within `grace`, whatever still runs then.
    /// Later calls change nothing.
    public func begin() {
        let first = state.withLock { state in
            defer { state.begun = true }
            return !state.begun
        }
        guard first else { return }
        let (seconds, attoseconds) = grace.components
        let interval = Double(seconds) + Double(attoseconds) / 1e18
        // A thread of its own, not a task or a dispatch queue: no executor, thread pool or
        // event loop that might be the one stuck can hold it up.
        let thread = Thread { [self] in
            Thread.sleep(forTimeInterval: interval)
            end(stillRunning)
        }
        thread.name = "masthead-shutdown-watch"
        thread.start()
    }

    fileprivate func started(_ name: String) {
        state.withLock { $0.running[name, default: 0] += 1 }
    }

    fileprivate func stopped(_ name: String) {
        state.withLock { $0.running[name, default: 1] -= 1 }
    }

    /// Writes why to standard error and ends the process at once (no atexit handlers, no
    /// flush that could block).
    @Sendable package static func exitProcess(_ stillRunning: [String]) {
        let names =
            stillRunning.isEmpty ? "none of the services (the process itself)" : stillRunning.joined(separator: ", ")
        let line =
            "masthead: shutdown did not finish within the grace period; still running: \(names); exiting with status 70\n"
        _ = line.utf8CString.withUnsafeBufferPointer { bytes in
            write(STDERR_FILENO, bytes.baseAddress, bytes.count - 1)
        }
        _exit(70)
    }
}

/// A service that tells its watch when it runs.
private struct Watched: ServiceLifecycle.Service {
    package let service: any ServiceLifecycle.Service
    package let name: String
    package let watch: ShutdownWatch

    package func run() async throws {
        watch.started(name)
        defer { watch.stopped(name) }
        try await service.run()
    }
}

/// Begins the watch when the service group's graceful shutdown starts (SIGTERM, SIGINT).
package struct ShutdownWatchService: ServiceLifecycle.Service {
    package let watch: ShutdownWatch

    package func run() async throws {
        try? await gracefulShutdown()
        watch.begin()
    }
}
