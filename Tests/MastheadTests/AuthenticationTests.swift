import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MastheadSQLite
import MastheadTestSupport
import Synchronization
import Testing

@testable import Masthead
@testable import MastheadDomain

/// The parts of a problem document that do not change from request to request.
private func stableProblem(_ response: TestResponse) throws -> JSON {
    guard case .object(var members) = try response.json else { return .null }
    members["request_id"] = nil
    return .object(members)
}

@Suite struct AuthenticationTests {
    @Test func aWriteWithoutATokenIs401WithWWWAuthenticate() async throws {
        try await withApp(demo: true) { client, database async throws in
            let response = try await client.send(.post, "/v1/tags", json: #"{"name":"New"}"#)
            #expect(response.status == .unauthorized)
            #expect(response.headers[.wwwAuthenticate] == "Bearer")
            #expect(try response.json["code"].string == "unauthorized")
            let tags = try await database.reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tags") }
            #expect(tags == 13)
        }
    }

    @Test func malformedUnknownRevokedAndExpiredTokensGetTheSame401() async throws {
        let clock = TestClock()
        try await withApp(clock: clock) { client, database async throws in
            let tokens = SQLiteTokenStore(database: database, clock: clock.contentClock)
            let (revoked, revokedInfo) = try await tokens.create(name: "r", scopes: [.admin], expiresAt: nil)
            _ = try await tokens.revoke(id: revokedInfo.id)
            let (expired, _) = try await tokens.create(
                name: "e",
                scopes: [.admin],
                expiresAt: clock.now.adding(seconds: -1)
            )
            let unknown = APIToken.generate().secret
            let candidates = [
                "Bearer not-a-token", "Bearer " + unknown, "Bearer " + revoked.secret, "Bearer " + expired.secret,
                "Basic dXNlcjpwYXNz", "Bearer", "Bearer " + String(unknown.dropLast()) + "0",
            ]
            var bodies: [JSON] = []
            for header in candidates {
                let response = try await client.get("/v1/tokens/self", headers: [.authorization: header])
                #expect(response.status == .unauthorized, "\(header)")
                #expect(response.headers[.wwwAuthenticate] == #"Bearer error="invalid_token""#)
                bodies.append(try stableProblem(response))
            }
            #expect(Set(bodies.map(\.description)).count == 1)
            #expect(bodies[0]["code"].string == "invalid_token")
        }
    }

    /// A token whose stored scopes cannot be read (a word no version of Masthead wrote, or
    /// nothing at all) is refused like an unknown one, not read as the weakest scope.
    @Test(arguments: AppEngine.available) func aTokenWhoseScopesCannotBeReadIsRefused(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            for stored in ["superuser", "", "content:read superuser", "Admin"] {
                let token = try await storage.token([.admin], name: "odd")
                try await storage.execute(
                    "UPDATE api_tokens SET scopes = '\(stored)' WHERE name = 'odd' AND revoked_at IS NULL"
                )
                for path in ["/v1/articles?status=draft", "/v1/tokens/self", "/v1/articles/no-such-draft"] {
                    let response = try await client.get(path, headers: [.authorization: "Bearer \(token)"])
                    #expect(response.status == .unauthorized, "'\(stored)' \(path)")
                    #expect(try response.json["code"].string == "invalid_token", "'\(stored)' \(path)")
                }
                try await storage.execute("UPDATE api_tokens SET revoked_at = created_at WHERE name = 'odd'")
            }
            let good = try await storage.token([.contentRead])
            #expect(try await client.get("/v1/tokens/self", headers: [.authorization: "Bearer \(good)"]).status == .ok)
        }
    }

    @Test(arguments: AppEngine.available) func aTokenTooWeakForTheRouteIs403(engine: AppEngine) async throws {
        try await withApp(on: engine, demo: true) { client, storage async throws in
            let reader = try await storage.token([.contentRead])
            let writer = try await storage.token([.contentWrite])
            let tag = try await client.send(.post, "/v1/tags", json: #"{"name":"New"}"#, token: reader)
            #expect(tag.status == .forbidden)
            #expect(try tag.json["code"].string == "insufficient_scope")
            let site = try await client.send(
                .put,
                "/v1/site",
                json: #"{"title":"X","url":"https://x.example"}"#,
                token: writer
            )
            #expect(site.status == .forbidden)
            #expect(try await client.get("/v1/site").json["data"]["title"].string == "Signal")
        }
    }

    @Test(arguments: AppEngine.available) func tokensSelfDescribesTheCallingTokenButNeverItsSecret(engine: AppEngine)
        async throws
    {
        try await withApp(on: engine) { client, storage async throws in
            let secret = try await storage.token([.contentWrite], name: "ci-deploy")
            let response = try await client.get("/v1/tokens/self", headers: [.authorization: "Bearer \(secret)"])
            #expect(response.status == .ok)
            #expect(response.headers[.cacheControl] == "private, no-store")
            let token = try response.json["data"]
            #expect(token["name"].string == "ci-deploy")
            #expect(token["scopes"] == .array([.string("content:write")]))
            #expect(token.keys == ["id", "name", "scopes", "created_at", "last_used_at", "expires_at", "rate_limit"])
            #expect(!response.text.contains(secret))
            #expect(try await client.get("/v1/tokens/self").status == .unauthorized)
        }
    }

    @Test func aTokenInTheQueryStringIsNeverAccepted() async throws {
        try await withApp { client, database async throws in
            let secret = try await makeToken(database, [.admin])
            for parameter in ["access_token", "token", "api_key"] {
                let response = try await client.get("/v1/tokens/self?\(parameter)=\(secret)")
                #expect(response.status == .unauthorized, "\(parameter)")
                let tag = try await client.send(.post, "/v1/tags?\(parameter)=\(secret)", json: #"{"name":"X"}"#)
                #expect(tag.status == .unauthorized || tag.status == .badRequest)
            }
            let tags = try await database.reader.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tags") }
            #expect(tags == 0)
        }
    }

    @Test func twentyFailuresInAMinuteSlowFurtherFailuresFromThatAddressOnly() async throws {
        let clock = TestClock()
        try await withApp(clock: clock, trustProxy: true) { client, database async throws in
            let valid = try await makeToken(database, [.contentRead])
            let attacker: HTTPFields = [
                .xForwardedFor: "203.0.113.7", .authorization: "Bearer " + APIToken.generate().secret,
            ]
            for attempt in 1...20 {
                let response = try await client.get("/v1/tokens/self", headers: attacker)
                #expect(response.status == .unauthorized, "attempt \(attempt)")
            }
            clock.advance(seconds: 15)
            let locked = try await client.get("/v1/tokens/self", headers: attacker)
            #expect(locked.status == .tooManyRequests)
            #expect(locked.headers[.retryAfter] == "45")
            #expect(try locked.json["code"].string == "too_many_failed_attempts")
            // Only failures are refused: a valid token from the same address (an editor behind
            // the same NAT) is served, and does not reset the attacker's window…
            let sameAddressValid = try await client.get(
                "/v1/tokens/self",
                headers: [.xForwardedFor: "203.0.113.7", .authorization: "Bearer \(valid)"]
            )
            #expect(sameAddressValid.status == .ok)
            #expect(try await client.get("/v1/tokens/self", headers: attacker).status == .tooManyRequests)
            // …and valid tokens from other addresses are unaffected, and so are anonymous reads.
            let other = try await client.get(
                "/v1/tokens/self",
                headers: [.xForwardedFor: "198.51.100.1", .authorization: "Bearer \(valid)"]
            )
            #expect(other.status == .ok)
            #expect(try await client.get("/v1/articles", headers: [.xForwardedFor: "203.0.113.7"]).status == .ok)

            clock.advance(seconds: 45)
            #expect(try await client.get("/v1/tokens/self", headers: attacker).status == .unauthorized)
        }
    }

    @Test func behindAProxyTheAddressIsTheRightmostForwardedEntryNotTheForgeableLeftmost() async throws {
        let clock = TestClock()
        try await withApp(clock: clock, trustProxy: true) { client, _ async throws in
            // The attacker makes up a new leftmost entry each time; the proxy appends the real one.
            for attempt in 1...20 {
                let forged: HTTPFields = [
                    .xForwardedFor: "10.0.0.\(attempt), 203.0.113.7",
                    .authorization: "Bearer " + APIToken.generate().secret,
                ]
                #expect(try await client.get("/v1/tokens/self", headers: forged).status == .unauthorized)
            }
            let forged: HTTPFields = [
                .xForwardedFor: "10.9.9.9, 203.0.113.7", .authorization: "Bearer " + APIToken.generate().secret,
            ]
            #expect(try await client.get("/v1/tokens/self", headers: forged).status == .tooManyRequests)
        }
    }

    @Test func theForwardedAddressCountsTrustedProxiesFromTheRight() {
        let lines = ["198.51.100.9, 203.0.113.7", " 192.0.2.1 "]
        #expect(ClientAddressMiddleware.forwardedAddress(lines, trustedProxies: 1) == "192.0.2.1")
        #expect(ClientAddressMiddleware.forwardedAddress(lines, trustedProxies: 2) == "203.0.113.7")
        #expect(ClientAddressMiddleware.forwardedAddress(lines, trustedProxies: 3) == "198.51.100.9")
        #expect(ClientAddressMiddleware.forwardedAddress(lines, trustedProxies: 9) == "198.51.100.9")
        #expect(ClientAddressMiddleware.forwardedAddress(lines, trustedProxies: 0) == nil)
        #expect(ClientAddressMiddleware.forwardedAddress([], trustedProxies: 1) == nil)
        #expect(ClientAddressMiddleware.forwardedAddress(["a, "], trustedProxies: 1) == nil)
    }

    @Test func theLimiterTracksABoundedNumberOfAddresses() {
        let limiter = FailedAuthenticationLimiter(limit: 1, windowSeconds: 60, maximumAddresses: 1000)
        let now = Timestamp(rfc3339: "2026-11-28T12:00:00Z")!
        for index in 0..<10_000 {
            _ = limiter.recordFailure(for: "address-\(index)", at: now)
            #expect(limiter.trackedAddresses <= 1000)
        }
        // The newest addresses are still remembered: a second failure is over the limit.
        #expect(limiter.recordFailure(for: "address-9999", at: now) != nil)
        // Windows end: a minute later every address starts again.
        #expect(limiter.recordFailure(for: "address-9999", at: now.adding(seconds: 60)) == nil)
        #expect(limiter.trackedAddresses == 1)
    }

    @Test func theTokenIsNeverStoredOrLoggedInClear() async throws {
        let logs = LogRecorder()
        let secret = Mutex("")
        try await withApp(logs: logs) { client, database async throws in
            let token = try await makeToken(database, [.admin])
            secret.withLock { $0 = token }
            let headers: HTTPFields = [.authorization: "Bearer \(token)"]
            #expect(try await client.get("/v1/tokens/self", headers: headers).status == .ok)
            #expect(
                try await client.send(.post, "/v1/tags", json: #"{"name":"Logged"}"#, token: token).status == .created
            )
            #expect(try await client.get("/v1/nowhere", headers: headers).status == .notFound)
            // Everything the database holds, on disk: the main file and its write-ahead log.
            for path in [database.path, database.path + "-wal"] {
                guard let bytes = FileManager.default.contents(atPath: path) else { continue }
                #expect(bytes.range(of: Data(token.utf8)) == nil, "\(path)")
                #expect(bytes.range(of: Data(token.dropFirst(3).prefix(40).utf8)) == nil, "\(path)")
            }
        }
        let token = secret.withLock { $0 }
        #expect(!token.isEmpty)
        #expect(logs.all.count >= 3)
        #expect(!logs.all.contains { $0.contains(token.dropFirst(3).prefix(20)) })
    }

    @Test func theDemoGetsOneAdminTokenOnce() async throws {
        let handed = Mutex<[APIToken]>([])
        let folder = try TemporaryFolder()
        for _ in 1...2 {
            let configuration = AppConfiguration(
                databasePath: folder.databasePath,
                loadDemoContent: true,
                logLevel: .error
            )
            _ = try await buildApplication(configuration) { token in handed.withLock { $0.append(token) } }
        }
        let tokens = handed.withLock { $0 }
        #expect(tokens.count == 1)
        let database = try AppDatabase(path: folder.databasePath)
        let stored = try await SQLiteTokenStore(database: database, clock: .system).list()
        #expect(stored.map(\.name) == ["demo"])
        #expect(stored.map(\.scopes) == [[.admin]])
        #expect(
            try await SQLiteTokenStore(database: database, clock: .system).authenticate(tokens[0])?.name == "demo"
        )
    }
}
