import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

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
                // An answer no shared cache keeps says where the address stands; a public one
                // does not (a CDN would show it to everyone).
                let response =
                    left % 2 == 0
                    ? try await client.send(
                        .post,
                        "/v1/articles/go-in-production/views",
                        headers: Self.from("203.0.113.7")
                    )
                    : try await client.get("/v1/catalog", headers: Self.from("203.0.113.7"))
                #expect(response.status == .ok)
                if left % 2 == 0 {
                    #expect(response.headers[.rateLimitPolicy] == "\"anonymous\";q=12;w=12")
                    #expect(response.headers[.rateLimit] == "\"anonymous\";r=\(left);t=\(12 - left)")
                } else {
                    #expect(response.headers[.rateLimit] == nil && response.headers[.rateLimitPolicy] == nil)
                }
            }
            let refused = try await client.get("/v1/articles/go-in-production", headers: Self.from("203.0.113.7"))
            #expect(refused.status == .tooManyRequests)
            #expect(try refused.json["code"].string == "rate_limited")
            #expect(refused.headers[.retryAfter] == "1")
            #expect(refused.headers[.rateLimit] == "\"anonymous\";r=0;t=1")
            #expect(refused.headers[.contentType] == "application/problem+json")
            #expect(
                try await client.send(.post, "/v1/articles/go-in-production/views", headers: Self.from("203.0.113.7"))
                    .status == .tooManyRequests
            )
            // The same route spelled with extra slashes is the same route, and as limited.
            #expect(try await client.get("/v1//catalog/", headers: Self.from("203.0.113.7")).status == .tooManyRequests)

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
        }
    }

    /// A search or related read the cache cannot answer costs 10, however its path is
    /// spelled; the same one answered from the cache costs 1, like any read.
    @Test func aSearchMissCostsMoreThanACachedOne() async throws {
        let clock = TestClock()
        try await withApp(
            demo: true,
            clock: clock,
            configure: { $0.rateLimit = RateLimitPolicy(perMinute: 60, burst: 40) }
        ) { client, _ async throws in
            /// Where the address stands, asked with a view count (an answer no cache keeps, 1 unit).
            func left() async throws -> String? {
                try await client.send(.post, "/v1/articles/go-in-production/views").headers[.rateLimit]
            }
            #expect(try await client.get("/v1/search?q=observability").headers[.xCache] == "miss")
            #expect(try await left() == "\"anonymous\";r=29;t=11")  // 10 + 1
            #expect(try await client.get("/v1/search?q=observability").headers[.xCache] == "hit")
            #expect(try await left() == "\"anonymous\";r=27;t=13")  // 1 + 1
            #expect(try await client.get("/v1//search/?q=observability").status == .ok)  // the same entry: a hit
            #expect(try await left() == "\"anonymous\";r=25;t=15")
            #expect(try await client.get("/v1/articles/go-in-production/related/").status == .ok)
            #expect(try await left() == "\"anonymous\";r=14;t=26")
            #expect(try await client.get("/v1/articles?q=go").status == .ok)
            #expect(try await left() == "\"anonymous\";r=3;t=37")
            #expect(try await client.get("/v1/search?q=brand").status == .ok)  // into debt: -7
            let refused = try await client.send(.post, "/v1/articles/go-in-production/views")
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "8")
            clock.advance(seconds: 8)
            #expect(try await left() == "\"anonymous\";r=0;t=40")
        }
    }

    @Test func iPv6ClientsAreCountedByTheirSlash64() {
        #expect(RateLimitMiddleware.bucketKey("203.0.113.7") == "203.0.113.7")
        #expect(
            RateLimitMiddleware.bucketKey("2001:db8:1:2:aaaa::1")
                == RateLimitMiddleware.bucketKey("2001:db8:1:2:ffff:1:2:3")
        )
        #expect(RateLimitMiddleware.bucketKey("2001:db8:1:2::1") != RateLimitMiddleware.bucketKey("2001:db8:1:3::1"))
        #expect(RateLimitMiddleware.bucketKey("::ffff:192.0.2.1") == "192.0.2.1")
    }

    /// A token made with a limit spends its own allowance, a minute's worth at once, whatever
    /// the public's limit (off here); tokens without one are not limited.
    @Test(arguments: AppEngine.available) func aTokenWithALimitSpendsItsOwnAllowance(engine: AppEngine) async throws {
        let clock = TestClock()
        try await withApp(on: engine, demo: true, clock: clock) { client, storage async throws in
            let limited = try await storage.stores.tokens.create(
                name: "bot",
                scopes: [.contentRead],
                expiresAt: nil,
                rateLimit: 12
            ).0.secret
            #expect(try await storage.integer("SELECT rate_limit FROM api_tokens WHERE name = 'bot'") == 12)
            let free = try await storage.token([.contentRead])
            let described = try await client.get("/v1/tokens/self", headers: [.authorization: "Bearer \(limited)"])
            #expect(try described.json["data"]["rate_limit"].int == 12)
            #expect(described.headers[.rateLimitPolicy] == "\"token\";q=12;w=60")
            #expect(described.headers[.rateLimit] == "\"token\";r=11;t=5")
            for _ in 0..<11 {
                #expect(
                    try await client.get("/v1/catalog", headers: [.authorization: "Bearer \(limited)"]).status == .ok
                )
            }
            let refused = try await client.get("/v1/catalog", headers: [.authorization: "Bearer \(limited)"])
            #expect(refused.status == .tooManyRequests)
            #expect(try refused.json["code"].string == "rate_limited")
            #expect(try refused.json["detail"].string?.contains("this token") == true)
            #expect(refused.headers[.retryAfter] == "5")
            let other = try await client.get("/v1/tokens/self", headers: [.authorization: "Bearer \(free)"])
            #expect(other.status == .ok && other.headers[.rateLimit] == nil)
            #expect(try other.json["data"]["rate_limit"] == .null)
            #expect(try await client.get("/v1/catalog").status == .ok, "the public's limit is off here")
            clock.advance(seconds: 5)
            #expect(try await client.get("/v1/catalog", headers: [.authorization: "Bearer \(limited)"]).status == .ok)
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
