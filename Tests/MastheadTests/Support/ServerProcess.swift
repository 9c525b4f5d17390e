import Foundation
import Synchronization
import Testing

/// The `masthead` executable built beside the tests, run as its own process: what a test
/// needs to do to a server what only an operating system does (`kill -9`).
final class ServerProcess: Sendable {
    let port: Int
    /// What the server printed until it listened (the demo's admin token among it).
    let startupOutput: String
    private let process: Process

    private init(port: Int, startupOutput: String, process: Process) {
        self.port = port
        self.startupOutput = startupOutput
        self.process = process
    }

    var processIdentifier: Int32 { process.processIdentifier }

    /// `swift test` builds the package's executable into the directory of the test bundle.
    static var executable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("masthead")
    }

    /// Starts `masthead serve` with `arguments` (which should include `--port 0`) and waits
    /// until it says which port it listens on.
    static func serve(_ arguments: [String], timeout: Duration = .seconds(30)) async throws -> ServerProcess {
        let executable = Self.executable
        try #require(
            FileManager.default.isExecutableFile(atPath: executable.path),
            "no masthead executable beside the tests at \(executable.path)"
        )
        let process = Process()
        process.executableURL = executable
        process.arguments = ["serve"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        // The start-up lines, kept until the port is known; later output is read and dropped,
        // so that the server never blocks on a full pipe.
        let startup = Mutex<(text: String, done: Bool)>(("", false))
        output.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            startup.withLock { state in
                guard !state.done else { return }
                state.text += String(decoding: data, as: UTF8.self)
            }
        }
        try launch(process)
        let started = ContinuousClock.now
        while ContinuousClock.now - started < timeout {
            let text = startup.withLock { $0.text }
            if let range = text.range(of: "listening on 127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits), text[range.upperBound...].dropFirst(digits.count).first?.isNewline == true {
                    startup.withLock { $0.done = true }
                    return ServerProcess(port: port, startupOutput: text, process: process)
                }
            }
            if !process.isRunning {
                Issue.record("masthead exited before it listened: \(text)")
                throw CancellationError()
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.terminate()
        Issue.record("masthead did not start listening within \(timeout): \(startup.withLock { $0.text })")
        throw CancellationError()
    }

    /// Sends `signal` (SIGKILL: no flush, no goodbye) and waits for the process to end.
    func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
