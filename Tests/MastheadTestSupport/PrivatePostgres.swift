import Foundation

/// A PostgreSQL server of one test's own, which the test may stop and start: made with
/// `initdb` in a temporary folder and run by `pg_ctl` as the `postgres` user, so it needs
/// root (as CI has) and PostgreSQL's programs (`MASTHEAD_TEST_POSTGRES_BIN`, or the newest
/// under /usr/lib/postgresql).
package final class PrivatePostgres: Sendable {
    package static let binaries: String? = {
        if let folder = ProcessInfo.processInfo.environment["MASTHEAD_TEST_POSTGRES_BIN"] { return folder }
        let versions = (try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []
        return versions.sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }.last.map { "/usr/lib/postgresql/\($0)/bin" }
    }()

    package static let runuser = "/usr/sbin/runuser"

    /// PostgreSQL's programs in the C locale, so that what they say reads the same
    /// everywhere; the cluster is UTF-8 all the same (`initdb -E UTF8`).
    package static let environment = ProcessInfo.processInfo.environment.merging(["LC_ALL": "C", "LANG": "C"]) { $1 }

    package static var isAvailable: Bool {
        guard getuid() == 0, let binaries, FileManager.default.isExecutableFile(atPath: runuser) else { return false }
        return FileManager.default.isExecutableFile(atPath: binaries + "/initdb")
    }

    private let folder: TemporaryFolder
    package let port: Int
    private var data: String { folder.url.appendingPathComponent("data").path }

    /// The URL `--db` takes.
    package var url: String { "postgres://postgres@127.0.0.1:\(port)/postgres?sslmode=disable" }

    private init(folder: TemporaryFolder, port: Int) {
        self.folder = folder
        self.port = port
    }

    /// A new cluster, started.
    package static func start() async throws -> PrivatePostgres {
        // Named so that CI's clean-up can find a server a crashed test run left behind.
        let folder = try TemporaryFolder(prefix: "masthead-postgres")
        let (owned, chownOutput) = try await runToEnd("/bin/chown", ["postgres", folder.url.path])
        guard owned == 0 else { throw Failure(step: "chown", output: chownOutput) }
        // A port no other test's server uses: chosen at random below Linux's ephemeral ports
        // (32768 and up, where the tests' own client connections land), tried again if taken.
        for _ in 0..<5 {
            let server = PrivatePostgres(folder: folder, port: Int.random(in: 20_000...32_767))
            try await server.initialize()
            if try await server.startServer() { return server }
        }
        throw Failure(step: "start", output: "no free port after five tries")
    }

    private func initialize() async throws {
        if FileManager.default.fileExists(atPath: data) { return }
        let (status, output) = try await asPostgres(
            "initdb",
            ["-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8"]
        )
        guard status == 0 else { throw Failure(step: "initdb", output: output) }
    }

    /// Starts the server and waits until it accepts connections; false if the port was taken.
    @discardableResult
    package func startServer() async throws -> Bool {
        let options = "-p \(port) -k \(folder.url.path) -c listen_addresses=127.0.0.1 -c fsync=off"
        let (status, _) = try await asPostgres(
            "pg_ctl",
            ["-D", data, "-l", data + "/server.log", "-w", "-t", "30", "-o", options, "start"]
        )
        return status == 0
    }

    /// Stops the server: `fast` disconnects every client and shuts down cleanly, as a
    /// restart or a planned failover does.
    package func stop(mode: String = "fast") async throws {
        let (status, output) = try await asPostgres("pg_ctl", ["-D", data, "-m", mode, "-w", "stop"])
        guard status == 0 else { throw Failure(step: "stop", output: output) }
    }

    /// Runs one of PostgreSQL's programs as its user to its end: its exit status and output.
    private func asPostgres(_ program: String, _ arguments: [String]) async throws -> (Int32, String) {
        try await runToEnd(
            Self.runuser,
            ["-u", "postgres", "--", Self.binaries! + "/" + program] + arguments,
            environment: Self.environment
        )
    }

    package struct Failure: Error, CustomStringConvertible {
        package let step: String
        package let output: String
        package var description: String { "PostgreSQL \(step) failed: \(output)" }
    }

    deinit {
        // Whatever state the test left it in; the folder goes with it.
        let stop = try? ChildProcess(
            Self.runuser,
            ["-u", "postgres", "--", Self.binaries! + "/pg_ctl", "-D", data, "-m", "immediate", "stop"]
        )
        stop?.waitUntilExit()
    }
}
