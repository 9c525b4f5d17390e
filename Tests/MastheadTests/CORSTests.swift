import Hummingbird
import HummingbirdTesting
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

/// Any page may read; only listed origins may write from a browser.
@Suite struct CORSTests {
    static let admin = "https://admin.example.com"

    static func preflight(
        _ client: some TestClientProtocol,
        _ path: String,
        origin: String,
        method: String
    ) async throws -> TestResponse {
        try await client.execute(
            uri: path,
            method: .options,
            headers: [
                .origin: origin, .accessControlRequestMethod: method,
                .accessControlRequestHeaders: "authorization, content-type",
            ]
        ) { $0 }
    }

    @Test func byDefaultAnyOriginMayReadButNotWrite() async throws {
        try await withApp(demo: true) { client, _ async throws in
            let read = try await client.get("/v1/articles", headers: [.origin: "https://blog.example.org"])
            #expect(read.status == .ok)
            #expect(read.headers[.accessControlAllowOrigin] == "*")
            #expect(read.headers[.accessControlExposeHeaders]?.contains("ETag") == true)

            let readPreflight = try await Self.preflight(
                client,
                "/v1/articles",
                origin: "https://x.example",
                method: "GET"
            )
            #expect(readPreflight.status == .noContent)
            #expect(readPreflight.headers[.accessControlAllowOrigin] == "*")
            #expect(readPreflight.headers[.accessControlAllowMethods] == "GET, HEAD")
            #expect(readPreflight.headers[.accessControlAllowHeaders]?.contains("Authorization") == true)

            let writePreflight = try await Self.preflight(client, "/v1/articles", origin: Self.admin, method: "POST")
            #expect(writePreflight.status == .noContent)
            #expect(writePreflight.headers[.accessControlAllowOrigin] == nil)
            #expect(writePreflight.headers[.accessControlAllowMethods] == nil)
        }
    }

    /// A front end on any origin counts views: the request needs no token, so a page may send
    /// it and read the answer. Counting is what a token-less request can do; with a token,
    /// anything but a read still needs a listed origin.
    @Test func anyOriginMayCountAViewButNotSendATokenWithAWrite() async throws {
        try await withApp(demo: true) { client, _ async throws in
            let path = "/v1/articles/go-in-production/views"
            let view = try await client.send(.post, path, headers: [.origin: "https://www.example.org"])
            #expect(view.status == .ok)
            #expect(view.headers[.accessControlAllowOrigin] == "*")
            #expect(try view.json["data"]["views"].int == 1)

            let plain = try await client.execute(
                uri: path,
                method: .options,
                headers: [
                    .origin: "https://www.example.org", .accessControlRequestMethod: "POST",
                    .accessControlRequestHeaders: "content-type",
                ]
            ) { $0 }
            #expect(plain.status == .noContent)
            #expect(plain.headers[.accessControlAllowOrigin] == "*")
            #expect(plain.headers[.accessControlAllowMethods] == "POST")
            #expect(plain.headers[.accessControlAllowHeaders]?.contains("Authorization") == false)

            let withToken = try await Self.preflight(client, path, origin: "https://www.example.org", method: "POST")
            #expect(withToken.headers[.accessControlAllowOrigin] == nil)
            let unknownMethod = try await client.execute(
                uri: path,
                method: .options,
                headers: [.origin: "https://www.example.org", .accessControlRequestMethod: "DELETE"]
            ) { $0 }
            #expect(unknownMethod.headers[.accessControlAllowOrigin] == nil)

            let tokenWrite = try await client.send(
                .post,
                "/v1/tags",
                json: #"{"name":"x"}"#,
                token: "mh_not_a_real_token",
                headers: [.origin: "https://www.example.org"]
            )
            #expect(tokenWrite.headers[.accessControlAllowOrigin] == nil)
        }
    }

    /// A response to a request without `Origin` would have carried CORS headers had it had
    /// one: a shared cache must key on `Origin` for every response, or it could hand a
    /// header-less copy to a browser page (or one page's copy to another).
    @Test func everyResponseVariesOnOriginWithOrWithoutOne() async throws {
        try await withApp(demo: true, configure: { $0.corsOrigins = CORSPolicy(parsing: "*, \(Self.admin)")! }) {
            client,
            _ async throws in
            for path in ["/v1/articles", "/v1/articles/go-in-production", "/v1/articles/nope", "/feed.xml", "/healthz"]
            {
                for headers: HTTPFields in [[:], [.origin: Self.admin], [.origin: "https://x.example"]] {
                    let response = try await client.get(path, headers: headers)
                    let vary = response.headers[values: .vary].joined(separator: ", ")
                    #expect(vary.contains("Origin"), "\(path) \(headers)")
                }
            }
            let write = try await client.send(.post, "/v1/tags", json: #"{"name":"x"}"#)
            #expect(write.headers[values: .vary].joined(separator: ", ").contains("Origin"))
        }
    }

    @Test func listedOriginsMayWrite() async throws {
        try await withApp(demo: true, configure: { $0.corsOrigins = CORSPolicy(parsing: "*, \(Self.admin)")! }) {
            client,
            _ async throws in
            let preflight = try await Self.preflight(
                client,
                "/v1/articles/go-in-production",
                origin: Self.admin,
                method: "PATCH"
            )
            #expect(preflight.status == .noContent)
            #expect(preflight.headers[.accessControlAllowOrigin] == Self.admin)
            #expect(preflight.headers[.accessControlAllowMethods] == "GET, HEAD, PUT, PATCH, DELETE, OPTIONS")
            #expect(preflight.headers[.accessControlMaxAge] == "600")
            #expect(preflight.headers[values: .vary].contains("Origin"))

            let other = try await Self.preflight(
                client,
                "/v1/articles/go-in-production",
                origin: "https://evil.example",
                method: "PATCH"
            )
            #expect(other.headers[.accessControlAllowOrigin] == nil)

            // The actual write, refused for want of a token, is still readable by the listed origin.
            let write = try await client.send(.post, "/v1/tags", json: "{}", headers: [.origin: Self.admin])
            #expect(write.status == .unauthorized)
            #expect(write.headers[.accessControlAllowOrigin] == Self.admin)
            // From an unlisted origin a write with a token is unreadable; without one it can
            // only be refused, and the refusal is public.
            let unlisted = try await client.send(
                .post,
                "/v1/tags",
                json: "{}",
                token: "mh_not_a_real_token",
                headers: [.origin: "https://evil.example"]
            )
            #expect(unlisted.headers[.accessControlAllowOrigin] == nil)
            let tokenless = try await client.send(
                .post,
                "/v1/tags",
                json: "{}",
                headers: [.origin: "https://evil.example"]
            )
            #expect(tokenless.status == .unauthorized)
            #expect(tokenless.headers[.accessControlAllowOrigin] == "*")
        }
    }

    @Test func withoutStarOnlyListedOriginsMayRead() async throws {
        try await withApp(demo: true, configure: { $0.corsOrigins = CORSPolicy(parsing: Self.admin)! }) {
            client,
            _ async throws in
            let other = try await client.get("/v1/site", headers: [.origin: "https://x.example"])
            #expect(other.status == .ok)
            #expect(other.headers[.accessControlAllowOrigin] == nil)
            let listed = try await client.get("/v1/site", headers: [.origin: Self.admin])
            #expect(listed.headers[.accessControlAllowOrigin] == Self.admin)
        }
    }

    @Test func requestsWithoutOriginCarryNoCORSHeaders() async throws {
        try await withApp(demo: true) { client, _ async throws in
            let response = try await client.get("/v1/site")
            #expect(response.headers[.accessControlAllowOrigin] == nil)
            let options = try await client.execute(uri: "/v1/site", method: .options) { $0 }
            #expect(options.status == .noContent)
            #expect(options.headers[.allow] == "GET, HEAD, PUT, OPTIONS")
        }
    }

    @Test func aPreflightForAnUnknownPathIs404WithoutCORSHeaders() async throws {
        try await withApp { client, _ async throws in
            let response = try await Self.preflight(client, "/v1/nothing", origin: "https://x.example", method: "GET")
            #expect(response.status == .notFound)
            #expect(response.headers[.accessControlAllowOrigin] == nil)
        }
    }

    @Test func originsAreParsedStrictly() async throws {
        #expect(CORSPolicy(parsing: "*") == CORSPolicy())
        #expect(CORSPolicy(parsing: "") == CORSPolicy(anyOriginReads: false))
        #expect(
            CORSPolicy(parsing: "https://a.example, http://localhost:3000")
                == CORSPolicy(anyOriginReads: false, origins: ["https://a.example", "http://localhost:3000"])
        )
        for bad in ["a.example", "https://a.example/", "ftp://a.example", "https://*.example"] {
            #expect(CORSPolicy(parsing: bad) == nil, "\(bad)")
        }
        await #expect(throws: AppConfiguration.Invalid.self) {
            try await resolveConfiguration([.corsOrigins: "nope"], environment: [:])
        }
    }
}
