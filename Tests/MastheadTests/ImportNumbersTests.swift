import Foundation
import HummingbirdTesting
import MastheadSQLite
import MastheadStorage
import MastheadTestSupport
import Synchronization
import Testing

@testable import Masthead
@testable import MastheadDomain

/// Numbers an export document sets (view counts, revisions, positions) are held to the
/// API's ranges, and whatever a document holds, neither the importer nor the server that
/// then serves it ever traps.
@Suite struct ImportNumbersTests {
    /// A small publication with something in every collection.
    static func document(now: Timestamp) -> ContentExport {
        let day = String(now.rfc3339.prefix(10))
        return ContentExport(
            format: ContentExport.formatName,
            version: ContentExport.currentVersion,
            site: SiteExport(
                title: "Signal",
                description: "Notes",
                tagline: "",
                url: "https://example.com",
                locale: "en-US",
                timezone: "UTC",
                revision: 2,
                updatedAt: now
            ),
            authors: [
                AuthorExport(
                    slug: "ann",
                    name: "Ann",
                    details: AuthorDetails(bio: "Writes."),
                    revision: 1,
                    createdAt: now,
                    updatedAt: now
                )
            ],
            tags: ["go", "api"].map {
                TagExport(
                    slug: $0,
                    name: $0.uppercased(),
                    revision: 1,
                    createdAt: now,
                    updatedAt: now
                )
            },
            articles: [("first", ["go", "api"], 12), ("second", ["go"], 3), ("third", [], 0)].map { slug, tags, views in
                ArticleExport(
                    slug: slug,
                    title: "The \(slug) article",
                    customExcerpt: nil,
                    status: "published",
                    featured: false,
                    publishedAt: now.adding(days: -1),
                    author: "ann",
                    tags: tags,
                    bodyMarkdown: "Words about go and api, \(slug).",
                    views: views,
                    dailyViews: views > 0 ? [DailyViewsExport(day: day, views: views)] : [],
                    oldSlugs: [],
                    details: ArticleDetails(),
                    revision: 3,
                    createdAt: now.adding(days: -2),
                    updatedAt: now.adding(days: -1)
                )
            },
            platforms: [
                PlatformExport(
                    slug: "arion",
                    name: "ARION",
                    focus: "Presence",
                    tagline: "Be seen.",
                    description: "Brand.",
                    position: 1,
                    services: ["build"],
                    revision: 1,
                    createdAt: now,
                    updatedAt: now
                )
            ],
            services: [
                ServiceExport(
                    slug: "build",
                    title: "Build Your Brand",
                    subtitle: "Start",
                    description: "Brand.",
                    position: 1,
                    revision: 1,
                    createdAt: now,
                    updatedAt: now
                )
            ]
        )
    }

    @Test(arguments: StoreEngine.all(.articles, .portability))
    func numbersOutOfRangeAreRefusedAndChangeNothing(engine: StoreEngine) async throws {
        let now = TestClock().now
        let valid = Self.document(now: now)
        let day = String(now.rfc3339.prefix(10))
        let cases: [(String, (inout ContentExport) -> Void)] = [
            ("/articles/0/views", { $0.articles[0].views = Int.max - 1 }),
            (
                "/articles/0/daily_views/0/views",
                { $0.articles[0].dailyViews = [.init(day: "2026-01-01", views: .max)] }
            ),
            ("/articles/0/views", { $0.articles[0].views = -1 }),
            ("/articles/0/views", { $0.articles[0].views = StoredNumbers.views.upperBound + 1 }),
            ("/articles/1/revision", { $0.articles[1].revision = Int.max }),
            ("/articles/1/revision", { $0.articles[1].revision = 0 }),
            ("/site/revision", { $0.site?.revision = Int.max }),
            ("/authors/0/revision", { $0.authors[0].revision = Int.max }),
            ("/tags/1/revision", { $0.tags[1].revision = -5 }),
            ("/platforms/0/revision", { $0.platforms[0].revision = Int.max }),
            ("/services/0/revision", { $0.services[0].revision = Int.max }),
            ("/platforms/0/position", { $0.platforms[0].position = Int.max }),
            (
                "/articles/0/daily_views/1/views",
                {
                    $0.articles[0].dailyViews = [
                        DailyViewsExport(day: "2026-01-01", views: 999_999_999_999),
                        DailyViewsExport(day: "2026-01-02", views: 2),
                    ]
                }
            ),
            (
                "/articles/0/daily_views/0/day",
                { $0.articles[0].dailyViews = [DailyViewsExport(day: "2026-13-45", views: 1)] }
            ),
            (
                "/articles/0/daily_views/1/day",
                { $0.articles[0].dailyViews = [.init(day: day, views: 1), .init(day: day, views: 2)] }
            ),
        ]
        for (pointer, change) in cases {
            var document = valid
            change(&document)
            let fixture = try await StoreFixture(engine)
            do {
                try await ContentImport(store: fixture.stores.portability, clock: fixture.clock.contentClock)
                    .load(try document.encoded())
                Issue.record("imported a document with \(pointer) out of range")
            } catch let failure as ImportFailure {
                #expect(failure.description.contains(pointer), "\(failure)")
            }
            #expect(try await fixture.stores.portability.export().articles.isEmpty, "\(pointer)")
            // The store refuses it too, for a caller that skips `ContentImport`'s record checks.
            if !pointer.hasSuffix("/position") {
                await #expect(throws: ImportFailure.self, "\(pointer)") {
                    try await fixture.stores.portability.importContent(document)
                }
            }
        }
        // The largest numbers in range import.
        var largest = valid
        largest.articles[0].views = StoredNumbers.views.upperBound
        largest.articles[0].revision = StoredNumbers.revisions.upperBound
        let fixture = try await StoreFixture(engine)
        try await ContentImport(store: fixture.stores.portability, clock: fixture.clock.contentClock)
            .load(try largest.encoded())
        #expect(try await fixture.stores.portability.export().articles[0].views == StoredNumbers.views.upperBound)
    }

    /// At the top of its range a revision stops moving: the write fails with a clear 409 and
    /// changes nothing; a view counted on top of the largest count is still served.
    @Test(arguments: AppEngine.available) func theLargestNumbersAreServedAndAWritePastThemFails(engine: AppEngine)
        async throws
    {
        let clock = TestClock()
        try await withApp(on: engine, clock: clock, views: .init(flushInterval: .milliseconds(10))) {
            client,
            storage async throws in
            var document = Self.document(now: clock.now)
            document.articles[0].views = StoredNumbers.views.upperBound
            document.articles[0].revision = StoredNumbers.revisions.upperBound
            try await ContentImport(store: storage.stores.portability, clock: clock.contentClock)
                .load(try document.encoded())
            let counted = try await client.send(.post, "/v1/articles/first/views")
            #expect(counted.status == .ok)
            let views = try counted.json["data"]["views"].int
            #expect(views == StoredNumbers.views.upperBound + 1, "\(String(describing: views))")
            let read = try await client.get("/v1/articles/first")
            #expect(read.status == .ok)

            let writer = try await storage.token([.contentWrite])
            let refused = try await client.send(
                .patch,
                "/v1/articles/first",
                json: #"{"featured": true}"#,
                token: writer
            )
            #expect(refused.status == .conflict)
            #expect(try refused.json["code"].string == "out_of_range")
            #expect(try refused.json["detail"].string?.contains("revision") == true)
            #expect(try await storage.integer("SELECT count(*) FROM articles WHERE slug = 'first' AND featured") == 0)
            #expect(
                try await storage.integer("SELECT revision FROM articles WHERE slug = 'first'")
                    == StoredNumbers.revisions.upperBound
            )
        }
    }

    /// Random values in every field of the format: the importer refuses or loads, never
    /// traps, and a server then serving what it loaded answers every route without a 5xx.
    @Test(arguments: AppEngine.available) func randomDocumentsNeverCrashTheImporterOrTheServer(engine: AppEngine)
        async throws
    {
        let rounds = engine == .sqlite ? 200 : 40
        // The same seed makes the same documents: a failure replays with MASTHEAD_FUZZ_SEED.
        let seed = UInt64(ProcessInfo.processInfo.environment["MASTHEAD_FUZZ_SEED"] ?? "") ?? 20_261_204
        var random = SplitMix64(seed: seed ^ UInt64(engine == .sqlite ? 1 : 2))
        let clock = TestClock()
        let base = try JSONSerialization.jsonObject(with: try Self.document(now: clock.now).encoded())
        let loaded = Mutex(0)
        for round in 0..<rounds {
            let mutated = Fuzz.mutate(base, &random)
            let data = try JSONSerialization.data(withJSONObject: mutated, options: [.fragmentsAllowed])
            let context = "seed \(seed), round \(round): \(String(decoding: data.prefix(2_000), as: UTF8.self))"
            try await withApp(on: engine, clock: clock, views: .init(flushInterval: .milliseconds(5))) {
                client,
                storage async throws in
                let document: ContentExport
                do {
                    document = try await ContentImport(store: storage.stores.portability, clock: clock.contentClock)
                        .load(data)
                } catch is ImportFailure {
                    #expect(try await storage.integer("SELECT count(*) FROM articles") == 0, "\(context)")
                    return
                }
                loaded.withLock { $0 += 1 }
                let writer = try await storage.token([.contentWrite])
                var paths = [
                    "/v1/articles", "/v1/articles?sort=-views", "/v1/popular", "/v1/popular?window=all",
                    "/v1/search?q=go", "/v1/search?q=api&type=article", "/v1/authors", "/v1/tags", "/v1/catalog",
                    "/v1/site", "/v1/platforms", "/v1/services", "/feed.xml", "/feed.json", "/sitemap.xml",
                ]
                for article in document.articles {
                    let slug = article.slug
                    let counted = try await client.send(.post, "/v1/articles/\(slug)/views")
                    #expect(counted.status.code < 500, "POST views of \(slug): \(counted.status) \(context)")
                    paths += ["/v1/articles/\(slug)", "/v1/articles/\(slug)/related"]
                    let patched = try await client.send(
                        .patch,
                        "/v1/articles/\(slug)",
                        json: #"{"featured": true}"#,
                        token: writer
                    )
                    #expect(patched.status.code < 500, "PATCH \(slug): \(patched.status) \(context)")
                }
                for author in document.authors { paths.append("/v1/authors/\(author.slug)") }
                for tag in document.tags { paths.append("/v1/tags/\(tag.slug)") }
                try await Task.sleep(for: .milliseconds(20))  // the counted views are flushed
                for path in paths {
                    let response = try await client.get(path)
                    #expect(response.status.code < 500, "GET \(path): \(response.status) \(context)")
                }
                _ = try await storage.stores.portability.export()
            }
        }
        #expect(loaded.withLock { $0 } > 0, "some documents load, so the server's side is exercised")
    }
}

/// Mutations of an export document's JSON tree: leaves replaced by values from the edges of
/// every type, numbers most often by numbers (so that most documents still parse and the
/// range checks, not the decoder, are what refuses them).
enum Fuzz {
    static let integers: [Int64] = [
        .max, .max - 1, .min, -1, 0, 1, 1 << 31, 1 << 53, (1 << 53) + 1, 999_999_999_999, 1_000_000_000_000,
        1_000_000_000_001, Int64(Int32.max),
    ]
    static var others: [Any] {
        [
            NSNull(), true, "", "x", String(repeating: "é", count: 3_000), "0000-01-01T00:00:00Z",
            "9999-12-31T23:59:59Z",
            "9999-12-31", "2026-02-30", "-1", "../../etc/passwd", "<script>alert(1)</script>", "\u{0}", "a\u{202E}b",
            1.5, 1e300, [Any](), [String: Any](),
        ]
    }

    static func mutate(_ value: Any, _ random: inout SplitMix64) -> Any {
        let numbersOnly = random.next() % 3 != 0
        return mutate(value, numbersOnly: numbersOnly, &random)
    }

    private static func mutate(_ value: Any, numbersOnly: Bool, _ random: inout SplitMix64) -> Any {
        switch value {
        case let object as [String: Any]:
            var copy = object
            for (key, item) in object { copy[key] = mutate(item, numbersOnly: numbersOnly, &random) }
            return copy
        case let array as [Any]:
            return array.map { mutate($0, numbersOnly: numbersOnly, &random) }
        case is NSNumber where !(value is Bool) && numbersOnly:
            return random.next() % 8 == 0
                ? NSNumber(value: integers[Int(random.next() % UInt64(integers.count))]) : value
        default:
            guard !numbersOnly, random.next() % 30 == 0 else { return value }
            return random.next() % 2 == 0
                ? NSNumber(value: integers[Int(random.next() % UInt64(integers.count))])
                : others[Int(random.next() % UInt64(others.count))]
        }
    }
}
