import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import Logging
import MastheadSQLite
import MastheadTestSupport
import NIOCore
import ServiceLifecycle
import Synchronization
import Testing

@testable import Masthead
@testable import MastheadDomain

/// A graceful shutdown (what SIGTERM and SIGINT start) under load: in-flight requests
/// finish, every counted view reaches the database, every acknowledged write is there,
/// and the database is closed cleanly.
@Suite struct ShutdownTests {
    // A guard against a hang, not a measure: the whole suite shares two cores in CI.
    @Test(.timeLimit(.minutes(4)))
    func aShutdownUnderLoadLosesNoCountedViewAndNoAcknowledgedWrite() async throws {
        let folder = try TemporaryFolder()
        var configuration = AppConfiguration(port: 0, databasePath: folder.databasePath, loadDemoContent: true)
        configuration.logLevel = .error
        configuration.views.dedupeWindowSeconds = 0
        // Fifty clients from one address: the per-address limit would stop the load.
        configuration.rateLimit = .off
        // Only the shutdown flush may write the counts: nothing else will before it.
        configuration.views.flushInterval = .seconds(3600)
        let token = Mutex<String?>(nil)
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = try await buildApplication(
            configuration,
            logger: Logger(label: "shutdown-test"),
            onDemoToken: { secret in token.withLock { $0 = secret.secret } },
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            }
        )
        let adminToken = try #require(token.withLock { $0 })
        let group = makeServiceGroup(
            running: app,
            shutdownTimeout: .seconds(10),
            signals: [],
            logger: Logger(label: "shutdown-test")
        )
        let viewsBefore = try await Self.storedViews(at: folder.databasePath)
        let load = LoadRecord()

        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                do {
                    try await group.run()
                    load.result.withLock { $0 = .success(()) }
                } catch {
                    load.result.withLock { $0 = .failure(error) }
                }
            }
            var portIterator = ports.makeAsyncIterator()
            let port = try #require(await portIterator.next())
            let slugs = try await Self.publishedSlugs(port: port)
            #expect(slugs.count >= 5)
            for worker in 0..<50 {
                tasks.addTask {
                    try? await TestClient.withClient(host: "127.0.0.1", port: port) { client in
                        var round = 0
                        while true {
                            round += 1
                            if worker < 45 {
                                let slug = slugs[(worker + round) % slugs.count]
                                let response = try await client.execute(
                                    .init("/v1/articles/\(slug)/views", method: .post)
                                )
                                guard response.status == .ok else { return }
                                load.views.add(1, ordering: .relaxed)
                            } else {
                                let slug = "load-\(worker)-\(round)"
                                let response = try await client.execute(
                                    .init(
                                        "/v1/tags",
                                        method: .post,
                                        headers: [
                                            .authorization: "Bearer \(adminToken)", .contentType: "application/json",
                                        ],
                                        body: ByteBuffer(
                                            string: #"{"slug":"\#(slug)","name":"Load \#(worker) \#(round)"}"#
                                        )
                                    )
                                )
                                guard response.status == .created else { return }
                                load.tags.withLock { $0.append(slug) }
                            }
                        }
                    }
                }
            }
            // Shut down in the middle of the load.
            while load.views.load(ordering: .relaxed) < 1_000 {
                try await Task.sleep(for: .milliseconds(20))
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }

        // The database was closed cleanly: everything is in the database file, the
        // write-ahead log is empty.
        let wal = folder.databasePath + "-wal"
        let walBytes = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
        #expect(walBytes == 0)
        let result = try #require(load.result.withLock { $0 })
        #expect(throws: Never.self) { try result.get() }
        let acknowledged = load.views.load(ordering: .relaxed)
        let tags = load.tags.withLock { $0 }
        #expect(acknowledged >= 1_000)
        #expect(!tags.isEmpty)

        // The database was closed by the shutdown; open it again as the next run would.
        let database = try AppDatabase(path: folder.databasePath)
        let viewsAfter = try await Self.storedViews(at: folder.databasePath)
        // A view answered 200 was counted; a request cut off by the shutdown may have been
        // counted without its answer arriving, so the database can hold more, never fewer.
        #expect(viewsAfter - viewsBefore >= acknowledged)
        #expect(viewsAfter - viewsBefore <= acknowledged + 50)
        let daily = try await database.reader.read { db in
            try Int.fetchOne(db, sql: "SELECT COALESCE(SUM(views), 0) FROM article_views_daily") ?? 0
        }
        #expect(daily == viewsAfter - viewsBefore)
        let stored = try await database.reader.read { db in
            try String.fetchSet(db, sql: "SELECT slug FROM tags WHERE slug LIKE 'load-%'")
        }
        #expect(Set(tags).isSubset(of: stored))
        try database.close()
    }

    /// What the load saw acknowledged, and how the service group ended.
    final class LoadRecord: Sendable {
        let views = Atomic<Int>(0)
        let tags = Mutex<[String]>([])
        let result = Mutex<Result<Void, any Error>?>(nil)
    }

    static func storedViews(at path: String) async throws -> Int {
        let database = try AppDatabase(path: path)
        defer { try? database.close() }
        return try await database.reader.read { db in try Int.fetchOne(db, sql: "SELECT SUM(views) FROM articles") ?? 0
        }
    }

    static func publishedSlugs(port: Int) async throws -> [String] {
        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            let response = try await client.get("/v1/articles?limit=10&fields=slug")
            let json = try JSONDecoder().decode(JSON.self, from: Data(buffer: response.body ?? ByteBuffer()))
            return json["data"].array.compactMap { $0["slug"].string }
        }
    }
}
