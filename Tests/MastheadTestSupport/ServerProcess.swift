import Foundation
import Synchronization
import Testing

/// The `masthead` executable built beside the tests, run as its own process: what a test
/// needs to do to a server what only an operating system does (`kill -9`).
package final class ServerProcess: Sendable {
    package let port: Int
    /// What the server printed until it listened (the demo's admin token among it).
    package let startupOutput: String
    private let child: ChildProcess

    private init(port: Int, startupOutput: String, child: ChildProcess) {
        self.port = port
        self.startupOutput = startupOutput
        self.child = child
    }

    package var processIdentifier: Int32 { child.pid }

    /// `swift test` builds the package's executable into the directory of the test bundle.
    package static var executable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent("masthead")
    }

    /// Starts `masthead serve` with `arguments` (which should include `--port 0`) and waits
    /// until it says which port it listens on.
    package static func serve(_ arguments: [String], timeout: Duration = .seconds(30)) async throws -> ServerProcess {
        let executable = Self.executable
        try #require(
            FileManager.default.isExecutableFile(atPath: executable.path),
            "no masthead executable beside the tests at \(executable.path)"
        )
        // Its output is read as it comes (the first MiB kept), so that the server never blocks
        // on a full pipe.
        let output = try ChildOutput()
        defer { output.closeWriteEnd() }
        let child = try ChildProcess(executable.path, ["serve"] + arguments, output: output.writeEnd)
        let started = ContinuousClock.now
        var lastLook = false
        while !lastLook {
            // A test process under load may wake this loop late: the output is read once more
            // after the time-out, so a server that did start in time is never taken for one
            // that did not.
            lastLook = ContinuousClock.now - started >= timeout
            let text = output.text
            if let range = text.range(of: "listening on 127.0.0.1:") {
                let digits = text[range.upperBound...].prefix { $0.isNumber }
                if let port = Int(digits), text[range.upperBound...].dropFirst(digits.count).first?.isNewline == true {
                    return ServerProcess(port: port, startupOutput: text, child: child)
                }
            }
            if !child.isRunning {
                Issue.record("masthead exited before it listened: \(text)")
                throw CancellationError()
            }
            if !lastLook { try await Task.sleep(for: .milliseconds(20)) }
        }
        child.send(SIGTERM)
        Issue.record("masthead did not start listening within \(timeout): \(output.text)")
        throw CancellationError()
    }

    /// Sends `signal` (SIGKILL: no flush, no goodbye) and waits for the process to end.
    package func signal(_ signal: Int32) {
        child.send(signal)
        child.waitUntilExit()
    }

    deinit {
        child.send(SIGKILL)
    }
}
