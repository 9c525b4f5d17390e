import HTTPTypes
import Hummingbird
import HummingbirdTesting
import MastheadTestSupport
import Testing

@testable import Masthead
@testable import MastheadDomain

@Suite struct HTTPBehaviourTests {
    @Test func anUnknownRouteIsA404ProblemDocument() async throws {
        try await withApp { client, _ async throws in
            let response = try await client.get("/v2/nothing-here")
            #expect(response.status == .notFound)
            #expect(response.headers[.contentType] == "application/problem+json")
            let json = try response.json
            #expect(json["code"].string == "not_found")
            #expect(json["detail"].string == "No route for GET /v2/nothing-here.")
            #expect(json["request_id"].string == response.headers[.xRequestID])
        }
    }

    @Test(arguments: [
        (HTTPRequest.Method.delete, "/v1/articles", "GET, HEAD, POST, OPTIONS"),
        (.post, "/v1/articles/some-slug", "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"),
        (.put, "/v1/catalog", "GET, HEAD, OPTIONS"),
        (.patch, "/v1/site", "GET, HEAD, PUT, OPTIONS"),
        (.post, "/healthz", "GET, HEAD, OPTIONS"),
        (.post, "/v1/platforms/arion", "GET, HEAD, PUT, PATCH, DELETE, OPTIONS"),
        (.delete, "/v1/tokens/self", "GET, HEAD, OPTIONS"),
    ])
    func aKnownRouteWithAnotherMethodIs405WithAllow(
        _ method: HTTPRequest.Method,
        _ path: String,
        _ allow: String
    ) async throws {
        try await withApp { client, _ async throws in
            let response = try await client.execute(uri: path, method: method) { $0 }
            #expect(response.status == .methodNotAllowed)
            #expect(response.headers[.allow] == allow)
            #expect(try response.json["code"].string == "method_not_allowed")
        }
    }

    @Test func optionsAnswersWithAllow() async throws {
        try await withApp { client, _ async throws in
            let response = try await client.execute(uri: "/v1/articles", method: .options) { $0 }
            #expect(response.status == .noContent)
            #expect(response.headers[.allow] == "GET, HEAD, POST, OPTIONS")
        }
    }

    @Test func headAnswersLikeGetWithoutABody() async throws {
        try await withApp(demo: true) { client, _ async throws in
            let get = try await client.get("/v1/site")
            let head = try await client.execute(uri: "/v1/site", method: .head) { $0 }
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
            #expect(head.headers[.contentLength] == get.headers[.contentLength])
        }
    }

    @Test func everyResponseCarriesARequestID() async throws {
        try await withApp { client, _ async throws in
            for path in ["/healthz", "/v1/articles", "/v1/articles/missing", "/nowhere", "/v1/articles?limit=0"] {
                let response = try await client.get(path)
                let id = try #require(response.headers[.xRequestID], "\(path)")
                #expect(id.count == 32)
            }
        }
    }

    @Test func aSaneClientRequestIDIsEchoedAndAnInsaneOneReplaced() async throws {
        try await withApp { client, _ async throws in
            let sane = try await client.get("/v1/articles/missing", headers: [.xRequestID: "trace-42.a:b_c"])
            #expect(sane.headers[.xRequestID] == "trace-42.a:b_c")
            #expect(try sane.json["request_id"].string == "trace-42.a:b_c")
            let insane = try await client.get("/healthz", headers: [.xRequestID: "<script>alert(1)</script>"])
            #expect(insane.headers[.xRequestID] != "<script>alert(1)</script>")
            #expect(insane.headers[.xRequestID]?.count == 32)
            let long = try await client.get("/healthz", headers: [.xRequestID: String(repeating: "a", count: 129)])
            #expect(long.headers[.xRequestID]?.count == 32)
        }
    }

    @Test func healthAndReadinessAnswer() async throws {
        try await withApp { client, _ async throws in
            let health = try await client.get("/healthz")
            #expect(health.status == .ok)
            #expect(health.text == #"{"status":"ok"}"#)
            let ready = try await client.get("/readyz")
            #expect(ready.status == .ok)
            #expect(ready.text == #"{"status":"ready"}"#)
        }
    }

    @Test func readinessIs503WhenMigrationsAreMissing() async throws {
        try await withApp { client, database async throws in
            try await database.writer.write { db in
                try db.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = '0002_create_article_search'")
            }
            let response = try await client.get("/readyz")
            #expect(response.status == .serviceUnavailable)
            #expect(try response.json["code"].string == "not_ready")
        }
    }

    @Test func errorsNeverLeakSQLOrPaths() async throws {
        try await withApp(demo: true) { client, _ async throws in
            let hostile = [
                "/v1/articles?q=%27%3B%20DROP%20TABLE%20articles%3B--", "/v1/articles?tag=%27%20OR%201%3D1",
                "/v1/articles?sort=id%3BDROP", "/v1/articles/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                "/v1/articles?fields=body_markdown%20FROM%20articles--", "/v1/articles?q=NEAR(a%20b",
            ]
            for path in hostile {
                let response = try await client.get(path)
                #expect(response.status.code < 500, "\(path)")
                let body = response.text.lowercased()
                for leak in ["sqlite", "select ", "grdb", "/work/", ".swift", "syntax error"] {
                    #expect(!body.contains(leak), "\(path) leaked \(leak)")
                }
            }
            #expect(try await client.get("/v1/articles").json["meta"]["pagination"]["total"].int == 24)
        }
    }
}
