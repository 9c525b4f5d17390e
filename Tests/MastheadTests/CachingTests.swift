import CZlib
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MastheadTestSupport
import NIOCore
import Testing

@testable import Masthead
@testable import MastheadDomain

@Suite struct ConditionalRequestTests {
    @Test(arguments: AppEngine.available) func aMatchingIfNoneMatchIs304WithNoBody(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, _ async throws in
            for path in [
                "/v1/articles/go-in-production", "/v1/articles?tag=go", "/v1/catalog", "/v1/site",
                "/v1/authors/alex-kim",
            ] {
                let first = try await client.get(path)
                let etag = try #require(first.headers[.eTag], "\(path)")
                let again = try await client.get(path, headers: [.ifNoneMatch: etag])
                #expect(again.status == .notModified, "\(path)")
                #expect(again.body.readableBytes == 0)
                #expect(again.headers[.eTag] == etag)
                let weak = try await client.get(path, headers: [.ifNoneMatch: "\"other\", W/\(etag)"])
                #expect(weak.status == .notModified, "\(path) with a weak tag in a list")
                let stale = try await client.get(path, headers: [.ifNoneMatch: "\"stale\""])
                #expect(stale.status == .ok)
            }
        }
    }

    @Test(arguments: AppEngine.available) func publicReadsArePublicAndTokenReadsPrivate(engine: AppEngine) async throws
    {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let response = try await client.get("/v1/articles/go-in-production")
            #expect(
                response.headers[.cacheControl] == "public, max-age=60, stale-while-revalidate=300, stale-if-error=300"
            )
            #expect(response.headers[.vary] == "Accept-Encoding, Authorization, Origin")
            #expect(response.headers[.lastModified]?.hasSuffix(" GMT") == true)
            let token = try await storage.token([.contentRead])
            let private_ = try await client.get(
                "/v1/articles/go-in-production",
                headers: [.authorization: "Bearer \(token)"]
            )
            #expect(private_.headers[.cacheControl] == "private, no-store")
            #expect(private_.headers[.vary] == "Accept-Encoding, Authorization, Origin")
            #expect(private_.headers[.xCache] == nil)
        }
    }

    /// A flush of view counts leaves cached responses in place: they may show a count up to
    /// max-age old, and go once they are that old; a content write still empties them at once.
    @Test func viewFlushesKeepCachedResponsesUntilTheyAreMaxAgeOld() async throws {
        let clock = TestClock()
        try await withApp(
            demo: true,
            clock: clock,
            views: .init(flushInterval: .milliseconds(20), dedupeWindowSeconds: 0)
        ) { client, database async throws in
            let path = "/v1/articles/go-in-production"
            let first = try await client.get(path)
            #expect(first.headers[.xCache] == "miss")
            let views = try first.json["data"]["views"].int ?? -1
            #expect(try await client.get(path).headers[.xCache] == "hit")
            #expect(try await client.get("/v1/articles").headers[.xCache] == "miss")

            _ = try await client.send(.post, path + "/views")
            var stored = views
            for _ in 0..<250 where stored == views {
                try await Task.sleep(for: .milliseconds(20))
                stored = try await database.reader.read { db in
                    try Int.fetchOne(db, sql: "SELECT views FROM articles WHERE slug = 'go-in-production'")!
                }
            }
            #expect(stored == views + 1)
            let afterFlush = try await client.get(path)
            #expect(afterFlush.headers[.xCache] == "hit", "a flush empties nothing")
            #expect(try afterFlush.json["data"]["views"].int == views)
            #expect(try await client.get("/v1/articles").headers[.xCache] == "hit")

            clock.advance(seconds: 59)
            #expect(try await client.get(path).headers[.xCache] == "hit")
            clock.advance(seconds: 1)
            let aged = try await client.get(path)
            #expect(aged.headers[.xCache] == "miss", "a count may lag by max-age at most")
            #expect(try aged.json["data"]["views"].int == views + 1)

            let token = try await makeToken(database, [.contentWrite])
            let patched = try await client.send(.patch, path, json: #"{"title":"Go, Renamed"}"#, token: token)
            #expect(patched.status == .ok)
            let fresh = try await client.get(path)
            #expect(fresh.headers[.xCache] == "miss")
            #expect(try fresh.json["data"]["title"].string == "Go, Renamed")
        }
    }

    @Test(arguments: AppEngine.available) func errorsAndWritesAreNeverCached(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let missing = try await client.get("/v1/articles/nope")
            #expect(missing.headers[.cacheControl] == "no-store")
            #expect(try await client.get("/v1/articles?limit=0").headers[.cacheControl] == "no-store")
            let token = try await storage.token([.contentWrite])
            let created = try await client.send(.post, "/v1/tags", json: #"{"name":"Fresh"}"#, token: token)
            #expect(created.headers[.cacheControl] == "no-store")
            #expect(try await client.get("/healthz").headers[.cacheControl] == "no-store")
        }
    }

    @Test(arguments: AppEngine.available) func theETagChangesAfterAWrite(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let token = try await storage.token([.contentWrite])
            let before = try #require(try await client.get("/v1/articles/go-in-production").headers[.eTag])
            _ = try await client.send(
                .patch,
                "/v1/articles/go-in-production",
                json: #"{"title":"Go, Again"}"#,
                token: token
            )
            let after = try await client.get("/v1/articles/go-in-production", headers: [.ifNoneMatch: before])
            #expect(after.status == .ok)
            #expect(after.headers[.eTag] != before)
        }
    }
}

@Suite struct ResponseCacheTests {
    /// The cache keys a request by its query as the handler reads it: spellings that read
    /// the same share one entry, and a query no handler can read is never kept.
    @Test func spellingsOfOneQueryShareOneEntry() async throws {
        try await withApp(demo: true) { client, _ async throws in
            #expect(try await client.get("/v1/articles?tag=go&limit=2").headers[.xCache] == "miss")
            for path in [
                "/v1/articles?limit=2&tag=go", "/v1/articles?l%69mit=2&t%61g=%67o", "/v1/articles?tag=go&limit=%32",
            ] {
                #expect(try await client.get(path).headers[.xCache] == "hit", "\(path)")
            }
            #expect(try await client.get("/v1/articles?tag=go,api&limit=2").headers[.xCache] == "miss")
            #expect(try await client.get("/v1/articles?tag=go%2Capi&limit=2").headers[.xCache] == "hit")
            for _ in 0..<2 {
                let malformed = try await client.get("/v1/articles?tag=%ZZ")
                #expect(malformed.status == .badRequest)
                #expect(try malformed.json["code"].string == "invalid_query")
                #expect(malformed.headers[.xCache] == nil)
            }
        }
    }

    @Test(arguments: AppEngine.available) func aRepeatedReadIsACacheHitWithTheSameBody(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, _ async throws in
            let first = try await client.get("/v1/articles?tag=go&limit=3")
            #expect(first.headers[.xCache] == "miss")
            let second = try await client.get("/v1/articles?limit=3&tag=go")
            #expect(second.headers[.xCache] == "hit", "the same query in another order")
            #expect(second.body == first.body)
            #expect(second.headers[.link] == first.headers[.link])
            #expect(second.headers[.xTotalCount] == "8")
            #expect(second.headers[.contentType] == "application/json; charset=utf-8")
        }
    }

    /// After a write has answered, no read may see what the write replaced: checked for each
    /// collection, and for the lists and catalog that embed what changed.
    @Test(arguments: [
        (
            "/v1/articles/go-in-production", "/v1/articles/go-in-production", #"{"title":"Changed Title"}"#,
            "Changed Title"
        ),
        ("/v1/articles/go-in-production", "/v1/articles?tag=go", #"{"title":"Changed Title"}"#, "Changed Title"),
        ("/v1/articles/go-in-production", "/v1/search?q=changed", #"{"title":"Changed Title"}"#, "Changed Title"),
        ("/v1/authors/alex-kim", "/v1/authors/alex-kim", #"{"name":"Alexandra Kim"}"#, "Alexandra Kim"),
        ("/v1/authors/alex-kim", "/v1/articles/go-in-production", #"{"name":"Alexandra Kim"}"#, "Alexandra Kim"),
        ("/v1/authors/alex-kim", "/v1/articles?author=alex-kim", #"{"name":"Alexandra Kim"}"#, "Alexandra Kim"),
        ("/v1/tags/go", "/v1/tags", #"{"name":"Golang"}"#, "Golang"),
        ("/v1/tags/go", "/v1/articles/go-in-production", #"{"name":"Golang"}"#, "Golang"),
        ("/v1/platforms/arion", "/v1/platforms/arion", #"{"tagline":"New tagline."}"#, "New tagline."),
        ("/v1/platforms/arion", "/v1/catalog", #"{"tagline":"New tagline."}"#, "New tagline."),
        ("/v1/services/build-your-brand", "/v1/platforms", #"{"title":"Build Your Name"}"#, "Build Your Name"),
        ("/v1/services/build-your-brand", "/v1/catalog", #"{"title":"Build Your Name"}"#, "Build Your Name"),
    ])
    func aReadAfterAWriteNeverSeesTheOldBody(_ resource: String, _ reader: String, _ patch: String, _ expected: String)
        async throws
    {
        try await withApp(demo: true) { client, database async throws in
            let token = try await makeToken(database, [.contentWrite])
            let before = try await client.get(reader)
            #expect(!before.text.contains(expected))
            #expect(try await client.get(reader).headers[.xCache] == "hit")
            let write = try await client.send(.patch, resource, json: patch, token: token)
            #expect(write.status == .ok)
            let after = try await client.get(reader)
            #expect(after.text.contains(expected), "\(reader) after PATCH \(resource)")
        }
    }

    @Test(arguments: AppEngine.available) func theSiteAndDeletionsReachTheCatalogAndListsAtOnce(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let admin = try await storage.token([.admin])
            _ = try await client.get("/v1/catalog")
            _ = try await client.get("/v1/articles?limit=100")
            _ = try await client.send(
                .put,
                "/v1/site",
                json: #"{"title":"Signal Two","url":"https://two.example"}"#,
                token: admin
            )
            #expect(try await client.get("/v1/catalog").json["data"]["site"]["title"].string == "Signal Two")
            _ = try await client.send(.delete, "/v1/articles/api-versioning", token: admin)
            #expect(!(try await client.get("/v1/articles?limit=100").json["data"].slugs.contains("api-versioning")))
            #expect(try await client.get("/v1/articles/api-versioning").status == .notFound)
        }
    }

    @Test(arguments: AppEngine.available) func aScheduledArticleAppearsInCachedListsWhenItsTimeComes(engine: AppEngine)
        async throws
    {
        let clock = TestClock()
        try await withApp(on: engine, demo: true, clock: clock) { client, _ async throws in
            let before = try await client.get("/v1/articles?limit=1").json["data"].slugs
            #expect(before != ["quarterly-kpi-review"])
            #expect(try await client.get("/v1/articles?limit=1").headers[.xCache] == "hit")
            clock.advance(seconds: 5 * 86_400)
            #expect(try await client.get("/v1/articles?limit=1").json["data"].slugs == ["quarterly-kpi-review"])
        }
    }

    @Test(arguments: AppEngine.available) func gzipBodiesDecompressToThePlainBody(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, _ async throws in
            for path in ["/v1/articles?limit=10", "/v1/articles/go-in-production", "/v1/catalog"] {
                let plain = try await client.get(path)
                #expect(plain.headers[.contentEncoding] == nil)
                for _ in 0..<2 {  // a miss, then a hit that reuses the compressed body
                    let zipped = try await client.get(path, headers: [.acceptEncoding: "br;q=1, gzip;q=0.8"])
                    #expect(zipped.headers[.contentEncoding] == "gzip", "\(path)")
                    #expect(zipped.body.readableBytes < plain.body.readableBytes)
                    let inflated = try #require(gunzip(Array(zipped.body.readableBytesView)))
                    #expect(inflated == Array(plain.body.readableBytesView))
                    #expect(zipped.headers[.eTag] != plain.headers[.eTag])
                    let revalidated = try await client.get(
                        path,
                        headers: [.acceptEncoding: "gzip", .ifNoneMatch: zipped.headers[.eTag]!]
                    )
                    #expect(revalidated.status == .notModified)
                }
            }
            let small = try await client.get("/v1/site", headers: [.acceptEncoding: "gzip"])
            #expect(small.headers[.contentEncoding] == nil, "bodies under 1 KiB stay plain")
            let refused = try await client.get("/v1/catalog", headers: [.acceptEncoding: "gzip;q=0, identity"])
            #expect(refused.headers[.contentEncoding] == nil)
        }
    }

    /// While other instances' writes cannot be heard, nothing is answered as fresh; if the
    /// database cannot be reached either, what no write known here made stale is answered,
    /// for `staleIfErrorSeconds` after hearing stopped and no longer. Hearing again makes
    /// everything stale.
    @Test func unheardWritesMakeEntriesUnverifiedAndStaleOnlyForABoundedTime() {
        let clock = TestClock()
        let cache = ResponseCache(maximumBytes: 100_000, staleIfErrorSeconds: 300, clock: clock.contentClock)
        let changes = ContentChanges(
            cache: cache,
            schedule: PublicationSchedule(clock: clock.contentClock) { _ in nil }
        )
        for (key, scope) in [("/v1/articles", CacheScope.articles), ("/v1/tags", .tags)] {
            let response = CachedResponse(body: Array(key.utf8), etag: "\"\(key)\"", headers: [:])
            cache.store(response, for: key, scope: scope, generation: cache.generation(of: scope))
        }
        #expect(cache.lookup("/v1/articles") != nil)
        #expect(cache.lookupStale("/v1/articles") != nil, "a fresh entry answers a failing database too")

        changes.heard(.interrupted)
        clock.advance(seconds: 10)
        changes.heard(.interrupted)  // still not hearing: the window runs from the first
        #expect(cache.lookup("/v1/articles") == nil, "not fresh while unverified")
        #expect(cache.lookup("/v1/tags") == nil)
        #expect(cache.lookupStale("/v1/articles")?.etag == "\"/v1/articles\"", "kept for a failing database")
        changes.committed([.tags])  // a write this instance made
        #expect(cache.lookupStale("/v1/tags") == nil, "a known write made it stale")
        clock.advance(seconds: 290)
        #expect(cache.lookupStale("/v1/articles") != nil, "300 s after hearing stopped")
        clock.advance(seconds: 1)
        #expect(cache.lookupStale("/v1/articles") == nil, "past the bound")
        #expect(cache.statistics.staleHits == 3)

        changes.heard(.unknown)
        #expect(cache.lookup("/v1/articles") == nil && cache.lookupStale("/v1/articles") == nil)
        let generation = cache.generation(of: .articles)
        cache.store(
            CachedResponse(body: [1], etag: "\"new\"", headers: [:]),
            for: "/v1/articles",
            scope: .articles,
            generation: generation
        )
        #expect(cache.lookup("/v1/articles")?.etag == "\"new\"", "fresh again once hearing")

        let never = ResponseCache(maximumBytes: 100_000, staleIfErrorSeconds: 0)
        never.store(CachedResponse(body: [1], etag: "\"e\"", headers: [:]), for: "/k", scope: .tags, generation: 0)
        #expect(never.lookupStale("/k") == nil, "stale-if-error 0: never")
    }

    @Test func theCacheStaysUnderItsByteBound() {
        let cache = ResponseCache(maximumBytes: 10_000)
        let generation = cache.generation(of: .articles)
        for index in 0..<100 {
            let response = CachedResponse(
                body: Array(repeating: UInt8(index), count: 900),
                etag: "\"\(index)\"",
                headers: [:]
            )
            cache.store(response, for: "/v1/articles/\(index)", scope: .articles, generation: generation)
            #expect(cache.statistics.bytes <= 10_000)
        }
        let statistics = cache.statistics
        #expect(statistics.entries > 0 && statistics.entries < 100)
        #expect(statistics.evictions == 100 - statistics.entries)
        #expect(cache.lookup("/v1/articles/99") != nil, "the newest stays")
        #expect(cache.lookup("/v1/articles/0") == nil, "the oldest went first")
        #expect(cache.statistics.bytes <= 10_000)
        // Larger than the whole cache: not kept.
        cache.store(
            CachedResponse(body: Array(repeating: 0, count: 20_000), etag: "\"big\"", headers: [:]),
            for: "/big",
            scope: .articles,
            generation: generation
        )
        #expect(cache.lookup("/big") == nil)
    }

    /// Keys count: many long distinct queries cannot grow the cache past its bound.
    @Test func keysCountAgainstTheByteBound() {
        let cache = ResponseCache(maximumBytes: 100_000)
        let generation = cache.generation(of: .search)
        let padding = String(repeating: "x", count: 4000)
        for index in 0..<1000 {
            cache.store(
                CachedResponse(body: [1], etag: "\"e\"", headers: [:]),
                for: "/v1/search?q=\(padding)\(index)",
                scope: .search,
                generation: generation
            )
            #expect(cache.statistics.bytes <= 100_000)
        }
        #expect(cache.statistics.entries < 30)
    }

    @Test func leastRecentlyUsedGoesFirst() {
        // Room for three entries: each counts its body, its tag, its key and a fixed overhead.
        let cache = ResponseCache(maximumBytes: 3 * (300 + 256 + 3 + 1 + 128))
        let generation = cache.generation(of: .tags)
        func store(_ key: String) {
            cache.store(
                CachedResponse(body: Array(repeating: 1, count: 300), etag: "\"e\"", headers: [:]),
                for: key,
                scope: .tags,
                generation: generation
            )
        }
        store("a")
        store("b")
        store("c")
        #expect(cache.lookup("a") != nil)  // a is now the most recently used
        store("d")  // b goes
        #expect(cache.lookup("b") == nil)
        #expect(cache.lookup("a") != nil && cache.lookup("c") != nil && cache.lookup("d") != nil)
    }

    @Test func aResponseBuiltBeforeAWriteIsNeverStored() {
        let cache = ResponseCache(maximumBytes: 1 << 20)
        let generation = cache.generation(of: .authors)
        cache.invalidate([.authors])  // a write committed while the response was being built
        cache.store(
            CachedResponse(body: [1], etag: "\"old\"", headers: [:]),
            for: "/v1/authors",
            scope: .authors,
            generation: generation
        )
        #expect(cache.lookup("/v1/authors") == nil)
    }

    @Test(arguments: AppEngine.available) func aZeroByteCacheIsOffAndHitsAndMissesAreCounted(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine, demo: true, cacheMaxBytes: 0) { client, _ async throws in
            let first = try await client.get("/v1/catalog")
            let second = try await client.get("/v1/catalog")
            #expect(first.headers[.xCache] == nil && second.headers[.xCache] == nil)
            #expect(second.headers[.eTag] == first.headers[.eTag])
            #expect(
                second.headers[.cacheControl] == "public, max-age=60, stale-while-revalidate=300, stale-if-error=300"
            )
        }
        try await withApp(on: engine, demo: true) { client, _ async throws in
            _ = try await client.get("/v1/catalog")
            _ = try await client.get("/v1/catalog")
            let metrics = try await client.get("/metrics").text
            #expect(metrics.contains("masthead_cache_hits_total 1"))
            #expect(metrics.contains("masthead_cache_misses_total 1"))
        }
    }
}

/// The bytes a gzip stream holds, read by zlib's own inflater; nil if it is not one whole stream.
func gunzip(_ compressed: [UInt8]) -> [UInt8]? {
    var stream = z_stream()
    guard masthead_inflate_init_gzip(&stream) == Z_OK else { return nil }
    defer { inflateEnd(&stream) }
    var input = compressed
    var output: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16_384)
    return input.withUnsafeMutableBufferPointer { source -> [UInt8]? in
        stream.next_in = source.baseAddress
        stream.avail_in = uInt(source.count)
        while true {
            let (status, produced) = chunk.withUnsafeMutableBufferPointer { target -> (Int32, Int) in
                stream.next_out = target.baseAddress
                stream.avail_out = uInt(target.count)
                let status = inflate(&stream, Z_NO_FLUSH)
                return (status, target.count - Int(stream.avail_out))
            }
            output += chunk[..<produced]
            if status == Z_STREAM_END { return stream.avail_in == 0 ? output : nil }
            guard status == Z_OK else { return nil }
        }
    }
}
