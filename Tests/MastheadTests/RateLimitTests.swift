import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import Masthead

/// Requests without a token spend from their address's allowance; a token's requests, other
/// addresses and health checks do not.
@Suite struct RateLimitTests {
    private static func from(_ address: String) -> HTTPFields { [.xForwardedFor: address] }

    @Test(arguments: AppEngine.available) func anAddressPastItsAllowanceGets429UntilItRefills(engine: AppEngine)
        async throws
    {
        let clock = TestClock()
        try await withApp(
            on: engine,
            demo: true,
            clock: clock,
            configure: {
                $0.rateLimit = RateLimitPolicy(perMinute: 60, burst: 12)
                $0.trustProxy = true
            }
        ) { client, storage async throws in
            for left in (0..<12).reversed() {
                let response = try await client.get("/v1/catalog", headers: Self.from("203.0.113.7"))
                #expect(response.status == .ok)
                #expect(response.headers[.rateLimitPolicy] == "\"anonymous\";q=12;w=12")
                #expect(response.headers[.rateLimit] == "\"anonymous\";r=\(left);t=\(12 - left)")
            }
            let refused = try await client.get("/v1/articles/go-in-production", headers: Self.from("203.0.113.7"))
            #expect(refused.status == .tooManyRequests)
            #expect(try refused.json["code"].string == "rate_limited")
            #expect(refused.headers[.retryAfter] == "1")
            #expect(refused.headers[.rateLimit] == "\"anonymous\";r=0;t=1")
            #expect(refused.headers[.contentType] == "application/problem+json")
            // Views are counted by the same allowance: a refused one is not counted.
            let views = try await storage.integer("SELECT views FROM articles WHERE slug = 'go-in-production'")
            #expect(try await client.send(.post, "/v1/articles/go-in-production/views", headers: Self.from("203.0.113.7")).status == .tooManyRequests)

            // Another address, a token, health checks: untouched.
            #expect(try await client.get("/v1/catalog", headers: Self.from("198.51.100.1")).status == .ok)
            let token = try await storage.token([.contentRead])
            var withToken = Self.from("203.0.113.7")
            withToken[.authorization] = "Bearer \(token)"
            let tokened = try await client.get("/v1/catalog", headers: withToken)
            #expect(tokened.status == .ok)
            #expect(tokened.headers[.rateLimit] == nil)
            #expect(try await client.get("/healthz", headers: Self.from("203.0.113.7")).status == .ok)
            #expect(try await client.get("/readyz", headers: Self.from("203.0.113.7")).status == .ok)

            clock.advance(seconds: 3)  // 3 units back
            for _ in 0..<3 {
                #expect(try await client.get("/v1/catalog", headers: Self.from("203.0.113.7")).status == .ok)
            }
            #expect(try await client.get("/v1/catalog", headers: Self.from("203.0.113.7")).status == .tooManyRequests)
            clock.advance(seconds: 60)
            #expect(try await client.get("/v1/catalog", headers: Self.from("203.0.113.7")).status == .ok)
            #expect(try await storage.integer("SELECT views FROM articles WHERE slug = 'go-in-production'") == views)
        }
    }

    /// A search or related read the cache cannot answer costs 10; the same one answered from
    /// the cache costs 1, like any read.
    @Test func aSearchMissCostsMoreThanACachedOne() async throws {
        let clock = TestClock()
        try await withApp(
            demo: true,
            clock: clock,
            configure: { $0.rateLimit = RateLimitPolicy(perMinute: 60, burst: 30) }
        ) { client, _ async throws in
            let miss = try await client.get("/v1/search?q=observability")
            #expect(miss.headers[.xCache] == "miss")
            #expect(miss.headers[.rateLimit] == "\"anonymous\";r=20;t=10")
            let hit = try await client.get("/v1/search?q=observability")
            #expect(hit.headers[.xCache] == "hit")
            #expect(hit.headers[.rateLimit] == "\"anonymous\";r=19;t=11")
            let related = try await client.get("/v1/articles/go-in-production/related")
            #expect(related.headers[.rateLimit] == "\"anonymous\";r=9;t=21")
            let words = try await client.get("/v1/articles?q=go")
            #expect(words.status == .ok)
            #expect(words.headers[.rateLimit] == "\"anonymous\";r=0;t=31")
            // In debt now: refused until it is paid.
            let refused = try await client.get("/v1/catalog")
            #expect(refused.status == .tooManyRequests)
            clock.advance(seconds: 1)
            #expect(try await client.get("/v1/catalog").status == .tooManyRequests)
            clock.advance(seconds: 1)
            #expect(try await client.get("/v1/catalog").status == .ok)
        }
    }

    /// A flood of distinct addresses costs bounded memory; an address left alone for two
    /// windows is forgotten (its allowance would be full again by then).
    @Test func bucketsAreBounded() {
        let clock = TestClock()
        let limiter = RateLimiter(
            policy: RateLimitPolicy(perMinute: 60, burst: 10),
            clock: clock.contentClock,
            maximumAddresses: 100
        )
        for index in 0..<1_000 { _ = limiter.take(1, from: "10.0.\(index / 256).\(index % 256)") }
        #expect(limiter.trackedAddresses == 100)
        for _ in 0..<10 { _ = limiter.take(1, from: "192.0.2.1") }
        #expect(limiter.take(1, from: "192.0.2.1") == .refused(retryAfter: 1))
        clock.advance(seconds: 21)
        #expect(limiter.take(1, from: "192.0.2.1") == .allowed(remaining: 9, fullIn: 1))
    }

    @Test func theLimitCanBeTurnedOffAndIsCheckedAtStartUp() async throws {
        try await withApp(configure: { $0.rateLimit = .off }) { client, _ async throws in
            for _ in 0..<50 {
                let response = try await client.get("/v1/catalog")
                #expect(response.status == .ok && response.headers[.rateLimit] == nil)
            }
        }
        let shipped = try await resolveConfiguration([:])
        #expect(shipped.rateLimit == RateLimitPolicy(perMinute: 1_200, burst: 600))
        #expect(try await resolveConfiguration([.rateLimit: "0"]).rateLimit.isOff)
        for (flags, message) in [
            ([Setting.rateLimit: "-1"], "invalid rate limit '-1': expected 0 (no limit) to 10000000 a minute"),
            ([.rateLimitBurst: "lots"], "invalid rate limit burst 'lots': expected 1 to 10000000"),
            ([.rateLimitBurst: "5"], "invalid rate limit burst 5: expected at least 10, the cost of one search"),
        ] {
            let error = await #expect(throws: AppConfiguration.Invalid.self) { try await resolveConfiguration(flags) }
            #expect(error?.description == message)
        }
    }
}

