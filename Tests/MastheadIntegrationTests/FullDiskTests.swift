import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import MastheadSQLite
import MastheadTestSupport
import Synchronization
import Testing

@testable import Masthead
@testable import MastheadDomain

/// The SQLite database on a file system that fills up (a small tmpfs: the test mounts one,
/// so it needs root, as CI has): writes fail with a clear 507 and change nothing, reads go
/// on, nothing acknowledged is lost, and writes work again as soon as space returns, with no
/// restart.
@Suite struct FullDiskTests {
    private static let canMount = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/bin/mount")

    /// Text that deflates poorly and indexes many distinct words, so that a few articles
    /// fill a few megabytes.
    private static func body(_ random: inout SplitMix64, characters: Int) -> String {
        let letters = Array("abcdefghijklmnopqrstuvwxyz")
        var text = ""
        text.reserveCapacity(characters)
        while text.count < characters {
            for _ in 0..<random.next(in: 3...9) { text.append(letters[Int(random.next() % 26)]) }
            text.append(" ")
        }
        return text
    }

    @Test(.enabled(if: canMount), .timeLimit(.minutes(2)))
    func aFullDiskRefusesWritesClearlyAndRecoversWithoutARestart() async throws {
        let folder = try TemporaryFolder()
        let disk = folder.url.appendingPathComponent("disk")
        try FileManager.default.createDirectory(at: disk, withIntermediateDirectories: true)
        let (mounted, output) = try await runToEnd("/bin/mount", ["-t", "tmpfs", "-o", "size=6m", "tmpfs", disk.path])
        try #require(mounted == 0, "mount: \(output)")
        do {
            try await Self.fillAndRecover(on: disk)
        } catch {
            _ = try? await runToEnd("/bin/umount", ["-l", disk.path])
            throw error
        }
        _ = try await runToEnd("/bin/umount", ["-l", disk.path])
    }

    private static func fillAndRecover(on disk: URL) async throws {
        let path = disk.appendingPathComponent("masthead.sqlite").path
        var configuration = AppConfiguration(port: 0, databasePath: path, loadDemoContent: true, logLevel: .critical)
        configuration.rateLimit = .off
        let token = Mutex<String?>(nil)
        let app = try await buildApplication(
            configuration,
            onDemoToken: { secret in token.withLock { $0 = secret.secret } }
        )
        let admin = try #require(token.withLock { $0 })
        // Most of what is left goes to a file the test deletes later: space returning.
        let free = try #require(
            try FileManager.default.attributesOfFileSystem(forPath: disk.path)[.systemFreeSize] as? NSNumber
        ).intValue
        let filler = disk.appendingPathComponent("filler")
        try Data(count: max(0, free - 1_500_000)).write(to: filler)

        try await app.test(.router) { client in
            var random = SplitMix64(seed: 7)
            var acknowledged: [String] = []
            var refused: (slug: String, response: TestResponse)?
            for index in 0..<60 {
                let slug = "fill-\(index)"
                let body =
                    #"{"slug": "\#(slug)", "title": "Fill \#(index)", "author": "alex-kim", "body_markdown": "\#(Self.body(&random, characters: 150_000))"}"#
                let response = try await client.send(.post, "/v1/articles", json: body, token: admin)
                if response.status == .created {
                    acknowledged.append(slug)
                } else {
                    refused = (slug, response)
                    break
                }
            }
            let (slug, response) = try #require(refused, "the disk never filled")
            #expect(!acknowledged.isEmpty)
            #expect(response.status.code == 507)
            #expect(try response.json["code"].string == "storage_full")
            #expect(response.headers[.retryAfter] == "30")
            #expect(!String(buffer: response.body).contains("/"), "no path, no SQL in the problem")

            // Nothing of the refused write; everything acknowledged; reads go on.
            let missing = try await client.send(.get, "/v1/articles/\(slug)", token: admin)
            #expect(missing.status == .notFound)
            for kept in acknowledged {
                #expect(try await client.send(.get, "/v1/articles/\(kept)", token: admin).status == .ok, "\(kept)")
            }
            #expect(try await client.get("/v1/articles?limit=5").status == .ok)
            #expect(try await client.get("/v1/search?q=observability").status == .ok)

            // Space returns: the same write succeeds, with no restart.
            try FileManager.default.removeItem(at: filler)
            let again = #"{"slug": "\#(slug)", "title": "Back", "author": "alex-kim", "body_markdown": "Space again."}"#
            #expect(try await client.send(.post, "/v1/articles", json: again, token: admin).status == .created)
            #expect(try await client.send(.get, "/v1/articles/\(slug)", token: admin).status == .ok)
        }
        let database = try AppDatabase(path: path)
        try await database.reader.read { db throws in
            #expect(try String.fetchOne(db, sql: "PRAGMA integrity_check") == "ok")
            let filled = try Int.fetchOne(db, sql: "SELECT count(*) FROM articles WHERE slug LIKE 'fill-%'") ?? 0
            #expect(filled >= 2)
        }
    }
}
