import Foundation

/// A PostgreSQL server of one test's own, which the test may stop and start: made with
/// `initdb` in a temporary folder and run by `pg_ctl` as the `postgres` user, so it needs
/// root (as CI has) and PostgreSQL's programs (`MASTHEAD_TEST_POSTGRES_BIN`, or the newest
/// under /usr/lib/postgresql).
final class PrivatePostgres: Sendable {
    static let binaries: String? = {
        if let folder = ProcessInfo.processInfo.environment["MASTHEAD_TEST_POSTGRES_BIN"] { return folder }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        return versions.sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }.last.map { "/usr/lib/postgresql/\($0)/bin" }
    }()

    static let runuser = "/usr/sbin/runuser"

    static var isAvailable: Bool {
        guard getuid() == 0, let binaries, FileManager.default.isExecutableFile(atPath: runuser) else { return false }
        return FileManager.default.isExecutableFile(atPath: binaries + "/initdb")
    }

    private let folder: TemporaryFolder
    let port: Int
    private var data: String { folder.url.appendingPathComponent("data").path }

    /// The URL `--db` takes.
    var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=disable" }

    private init(folder: TemporaryFolder, port: Int) {
        self.folder = folder
        self.port = port
    }

    /// A new cluster, started.
    static func start() async throws -> PrivatePostgres {
        let folder = try TemporaryFolder()
        let (owned, chownOutput) = try await runToEnd("/bin/chown", ["postgres", folder.url.path])
        guard owned == 0 else { throw Failure(step: "chown", output: chownOutput) }
        // A port no other test's server uses: chosen at random above the usual ones, tried again if taken.
        for _ in 0..<5 {
            let server = PrivatePostgres(folder: folder, port: Int.random(in: 40_000...59_999))
            if try await server.initialize(), try await server.startServer() { return server }
        }
        throw Failure(step: "start", output: "no free port after five tries")
    }

    private func initialize() async throws -> Bool {
        if FileManager.default.fileExists(atPath: data) { return true }
        let (status, output) = try await asPostgres("initdb", ["-D", data, "-A", "trust", "-U", "postgres"])
        guard status == 0 else { throw Failure(step: "initdb", output: output) }
        return true
    }

    /// Starts the server and waits until it accepts connections; false if the port was taken.
    ///
    /// Foundation's `Process` on Linux learns that a child ended when a socket it handed the
    /// child closes, and the server that `pg_ctl` leaves running inherits that socket: the
    /// termination handler of `pg_ctl start` would not run until the server stops
    /// (swift-corelibs-foundation#4795). So this launches `pg_ctl` and reads its output until
    /// it says how the start went.
    @discardableResult
    func startServer() async throws -> Bool {
        let options = "-p \(port) -k \(folder.url.path) -c listen_addresses=127.0.0.1 -c fsync=off"
        let output = try launchAsPostgres(
            "pg_ctl",
            ["-D", data, "-l", data + "/server.log", "-w", "-t", "30", "-o", options, "start"]
        )
        let deadline = ContinuousClock.now + .seconds(35)
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: output, encoding: .utf8)) ?? ""
            if text.contains("server started") { return true }
            if text.contains("could not start server") || text.contains("stopped waiting") { return false }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw Failure(step: "start", output: "pg_ctl said nothing for 35 seconds")
    }

    /// Stops the server: `fast` disconnects every client and shuts down cleanly, as a
    /// restart or a planned failover does.
    func stop(mode: String = "fast") async throws {
        let (status, output) = try await asPostgres("pg_ctl", ["-D", data, "-m", mode, "-w", "stop"])
        guard status == 0 else { throw Failure(step: "stop", output: output) }
    }

    /// Runs one of PostgreSQL's programs as its user to its end: its exit status and output.
    private func asPostgres(_ program: String, _ arguments: [String]) async throws -> (Int32, String) {
        try await runToEnd(Self.runuser, ["-u", "postgres", "--", Self.binaries! + "/" + program] + arguments)
    }

    /// Starts one of PostgreSQL's programs as its user without waiting for it; its output goes
    /// to a file (returned), never to a pipe that a server it leaves running would hold open.
    private func launchAsPostgres(_ program: String, _ arguments: [String]) throws -> URL {
        let output = folder.url.appendingPathComponent("\(program).out")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        defer { try? handle.close() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.runuser)
        process.arguments = ["-u", "postgres", "--", Self.binaries! + "/" + program] + arguments
        process.standardOutput = handle
        process.standardError = handle
        try launch(process)
        return output
    }

    struct Failure: Error, CustomStringConvertible {
        let step: String
        let output: String
        var description: String { "PostgreSQL \(step) failed: \(output)" }
    }

    deinit {
        // Whatever state the test left it in; the folder goes with it.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.runuser)
        process.arguments = ["-u", "postgres", "--", Self.binaries! + "/pg_ctl", "-D", data, "-m", "immediate", "stop"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        if (try? launch(process)) != nil { process.waitUntilExit() }
    }
}
